using ActorSmtp.MessageAuthentication.Reporting;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Reporting;

public sealed class AuthenticationResultsHeaderTests
{
    private const string Id = "mx.example.test";

    private static string Unfolded(string value) => value.Replace("\r\n\t", " ");

    private static string Line(AuthenticationResults results) => Unfolded(AuthenticationResultsHeader.Format(Id, results));

    [Fact]
    public void Nothing_checked_is_none()
    {
        Assert.Equal("mx.example.test; none", AuthenticationResultsHeader.Format(Id, AuthenticationResults.Empty));
    }

    [Fact]
    public void Every_method_in_one_value()
    {
        var results = new AuthenticationResults(
            new SpfCheck(SpfResult.Pass, "mailfrom", "alice@a.test"),
            [new DkimCheck(DkimResult.Pass, "a.test", "s1", "rsa-sha256")],
            new DmarcCheck(DmarcResult.Pass, "a.test", "a.test", DmarcPolicy.Reject, true, true),
            new ArcCheck(ArcResult.None, 0));

        var value = AuthenticationResultsHeader.Format(Id, results);

        Assert.Equal("mx.example.test; spf=pass smtp.mailfrom=alice@a.test; dkim=pass header.d=a.test header.s=s1 "
            + "header.a=rsa-sha256; dmarc=pass (p=reject) header.from=a.test; arc=none", Unfolded(value));
    }

    [Theory]
    [InlineData(SpfResult.None, "none")]
    [InlineData(SpfResult.Neutral, "neutral")]
    [InlineData(SpfResult.Pass, "pass")]
    [InlineData(SpfResult.Fail, "fail")]
    [InlineData(SpfResult.SoftFail, "softfail")]
    [InlineData(SpfResult.TempError, "temperror")]
    [InlineData(SpfResult.PermError, "permerror")]
    public void Spf_results_are_lower_case(SpfResult result, string written) =>
        Assert.Equal($"mx.example.test; spf={written} smtp.mailfrom=a.test",
            Line(new AuthenticationResults(new SpfCheck(result, "mailfrom", "a.test"))));

    [Fact]
    public void Spf_for_the_helo_identity_is_smtp_helo() =>
        Assert.Equal("mx.example.test; spf=pass smtp.helo=mx1.a.test",
            Line(new AuthenticationResults(new SpfCheck(SpfResult.Pass, "helo", "mx1.a.test"))));

    [Theory]
    [InlineData(DkimResult.None, "none")]
    [InlineData(DkimResult.Pass, "pass")]
    [InlineData(DkimResult.Fail, "fail")]
    [InlineData(DkimResult.Policy, "policy")]
    [InlineData(DkimResult.Neutral, "neutral")]
    [InlineData(DkimResult.TempError, "temperror")]
    [InlineData(DkimResult.PermError, "permerror")]
    public void Dkim_results_are_lower_case(DkimResult result, string written) =>
        Assert.Equal($"mx.example.test; dkim={written} header.d=a.test header.s=s1",
            Line(new AuthenticationResults(Dkim: [new DkimCheck(result, "a.test", "s1")])));

    [Fact]
    public void One_resinfo_per_dkim_signature_and_none_for_an_unsigned_message()
    {
        var two = Line(new AuthenticationResults(Dkim:
        [
            new DkimCheck(DkimResult.Pass, "a.test", "s1", "ed25519-sha256"),
            new DkimCheck(DkimResult.Fail, "list.test", "k", "rsa-sha256", "body hash did not verify"),
        ]));
        var unsigned = Line(new AuthenticationResults(Dkim: []));

        Assert.Equal("mx.example.test; dkim=pass header.d=a.test header.s=s1 header.a=ed25519-sha256; "
            + "dkim=fail reason=\"body hash did not verify\" header.d=list.test header.s=k header.a=rsa-sha256", Unfolded(two));
        Assert.Equal("mx.example.test; dkim=none", unsigned);
    }

    [Theory]
    [InlineData(DmarcResult.None, "dmarc=none header.from=a.test")]
    [InlineData(DmarcResult.Pass, "dmarc=pass (p=quarantine) header.from=a.test")]
    [InlineData(DmarcResult.Fail, "dmarc=fail (p=quarantine) header.from=a.test")]
    [InlineData(DmarcResult.TempError, "dmarc=temperror header.from=a.test")]
    [InlineData(DmarcResult.PermError, "dmarc=permerror header.from=a.test")]
    public void Dmarc_results_carry_the_applied_policy_as_a_comment(DmarcResult result, string written)
    {
        var policy = result is DmarcResult.Pass or DmarcResult.Fail ? DmarcPolicy.Quarantine : DmarcPolicy.None;
        var dmarc = new DmarcCheck(result, "a.test", "a.test", policy, false, false);

        Assert.Equal("mx.example.test; " + written, Line(new AuthenticationResults(Dmarc: dmarc)));
    }

    [Theory]
    [InlineData(ArcResult.None, "none")]
    [InlineData(ArcResult.Pass, "pass")]
    [InlineData(ArcResult.Fail, "fail")]
    public void Arc_results(ArcResult result, string written) =>
        Assert.Equal($"mx.example.test; arc={written}",
            Line(new AuthenticationResults(Arc: new ArcCheck(result, 1))));

    [Fact]
    public void Dnsbl_results_have_no_method_and_are_not_written() =>
        Assert.Equal("mx.example.test; none",
            Line(new AuthenticationResults(Dnsbl: new DnsblCheck(false, 0, []))));

    [Fact]
    public void Reasons_are_quoted_strings_with_escapes_and_no_line_breaks()
    {
        var spf = new SpfCheck(SpfResult.PermError, "mailfrom", "a.test", "bad \"ip4\" in\r\nv=spf1 \\ ip4:x — ?");

        var value = Line(new AuthenticationResults(spf));

        Assert.Contains("reason=\"bad \\\"ip4\\\" in  v=spf1 \\\\ ip4:x ? ?\"", Unfolded(value));
        Assert.DoesNotContain('\n', Unfolded(value));
    }

    [Theory]
    [InlineData("a.test", "a.test")]
    [InlineData("alice@a.test", "alice@a.test")]
    [InlineData("first.last+tag@a.test", "first.last+tag@a.test")]
    [InlineData("@a.test", "@a.test")]
    [InlineData("\"odd local\"@a.test", "\"\\\"odd local\\\"@a.test\"")]
    [InlineData("bücher.de", "xn--bcher-kva.de")]
    [InlineData("a test", "\"a test\"")]
    [InlineData("semi;colon", "\"semi;colon\"")]
    public void Property_values_that_are_neither_tokens_nor_addresses_are_quoted(string domain, string written) =>
        Assert.Equal($"mx.example.test; spf=pass smtp.mailfrom={written}",
            Line(new AuthenticationResults(new SpfCheck(SpfResult.Pass, "mailfrom", domain))));

    [Fact]
    public void An_authserv_id_that_is_not_a_token_is_quoted() =>
        Assert.Equal("\"mx example\"; none", AuthenticationResultsHeader.Format("mx example", AuthenticationResults.Empty));

    [Fact]
    public void Long_values_fold_at_spaces_into_lines_of_at_most_78_with_the_field_name()
    {
        var results = new AuthenticationResults(
            new SpfCheck(SpfResult.Pass, "mailfrom", "bounces.newsletter.example.test"),
            [
                new DkimCheck(DkimResult.Pass, "newsletter.example.test", "selector2024", "rsa-sha256"),
                new DkimCheck(DkimResult.Pass, "esp.example.net", "s1", "ed25519-sha256"),
            ],
            new DmarcCheck(DmarcResult.Pass, "newsletter.example.test", "example.test", DmarcPolicy.None, true, true),
            new ArcCheck(ArcResult.Pass, 1));

        var value = AuthenticationResultsHeader.Format(Id, results);
        var lines = ("Authentication-Results: " + value).Split("\r\n");

        Assert.True(lines.Length > 2, value);
        Assert.All(lines, line => Assert.True(line.Length <= 78, $"{line.Length}: {line}"));
        Assert.All(lines.Skip(1), line => Assert.StartsWith("\t", line));
        Assert.DoesNotContain("\r\n\r\n", value);
        Assert.False(value.EndsWith("\r\n", StringComparison.Ordinal));
        Assert.Equal("mx.example.test; spf=pass smtp.mailfrom=bounces.newsletter.example.test; "
            + "dkim=pass header.d=newsletter.example.test header.s=selector2024 header.a=rsa-sha256; "
            + "dkim=pass header.d=esp.example.net header.s=s1 header.a=ed25519-sha256; "
            + "dmarc=pass (p=none) header.from=newsletter.example.test; arc=pass", Unfolded(value));
    }

    [Fact]
    public void A_word_longer_than_a_line_stays_whole_on_a_line_of_its_own()
    {
        var reason = new string('x', 100);
        var value = AuthenticationResultsHeader.Format(Id,
            new AuthenticationResults(new SpfCheck(SpfResult.Fail, "mailfrom", "a.test", reason)));

        Assert.Equal($"mx.example.test; spf=fail\r\n\treason=\"{reason}\"\r\n\tsmtp.mailfrom=a.test", value);
    }
}
