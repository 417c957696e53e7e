using System.Text;
using ActorSmtp.MessageAuthentication.Reporting;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Reporting;

public sealed class AuthservIdClaimTests
{
    private const string Id = "mx.example.test";

    [Theory]
    [InlineData(" mx.example.test; spf=pass smtp.mailfrom=a.test")]
    [InlineData("mx.example.test;none")]
    [InlineData(" MX.Example.TEST; none")]
    [InlineData(" mx.example.test 1; spf=fail")]
    [InlineData(" (forged (nested \\) comment)) mx.example.test; dkim=pass")]
    [InlineData("\r\n\t(folded first)\r\n mx.example.test\r\n\t; arc=pass")]
    [InlineData(" \"mx.example.test\"; none")]
    [InlineData(" mx.example.test (a comment) ; none")]
    public void A_header_naming_our_id_claims_it(string value) => Assert.True(AuthservIdClaim.Claims(value, Id));

    [Theory]
    [InlineData(" mx.other.test; spf=pass")]
    [InlineData(" example.test; spf=pass")]
    [InlineData(" mx.example.test.evil; none")]
    [InlineData(" sub.mx.example.test; none")]
    [InlineData(" (mx.example.test) mx.other.test; none")]
    [InlineData(" ; spf=pass mx.example.test")]
    [InlineData("")]
    [InlineData(" (unterminated mx.example.test; none")]
    public void Another_hosts_id_is_not_claimed(string value) => Assert.False(AuthservIdClaim.Claims(value, Id));

    [Fact]
    public void Bytes_are_read_the_same_way() =>
        Assert.True(AuthservIdClaim.Claims(" mx.example.test; spf=pass"u8, Id));

    private const string Message =
        "Received: from a.test\r\n\tby mx.example.test; Thu, 3 Dec 2026 17:00:00 +0000\r\n"
        + "Authentication-Results: mx.example.test; spf=pass\r\n\tsmtp.mailfrom=forged.test\r\n"
        + "Subject: caf\u00e9 8-bit \r\n"
        + "Authentication-Results: relay.other.test; dkim=pass header.d=a.test\r\n"
        + "authentication-results : (forged)\r\n MX.EXAMPLE.TEST; dmarc=pass\r\n"
        + "X-Authentication-Results: mx.example.test; none\r\n"
        + "From: a@a.test\r\n"
        + "\r\n"
        + "Authentication-Results: mx.example.test; body text is not a header\r\n";

    [Fact]
    public void Claiming_fields_are_found_with_their_continuation_lines()
    {
        var bytes = Encoding.UTF8.GetBytes(Message);

        var ranges = AuthservIdClaim.ClaimingFields(bytes, Id);

        Assert.Equal(
            [
                "Authentication-Results: mx.example.test; spf=pass\r\n\tsmtp.mailfrom=forged.test\r\n",
                "authentication-results : (forged)\r\n MX.EXAMPLE.TEST; dmarc=pass\r\n",
            ],
            ranges.Select(r => Encoding.UTF8.GetString(bytes[r])));
    }

    [Fact]
    public void Removal_keeps_every_other_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Message);

        var kept = AuthservIdClaim.RemoveClaimingFields(bytes, Id);

        var expected = Message
            .Replace("Authentication-Results: mx.example.test; spf=pass\r\n\tsmtp.mailfrom=forged.test\r\n", "")
            .Replace("authentication-results : (forged)\r\n MX.EXAMPLE.TEST; dmarc=pass\r\n", "");
        Assert.Equal(Encoding.UTF8.GetBytes(expected), kept);
    }

    [Fact]
    public void Bare_lf_lines_and_a_last_field_without_a_line_break_are_handled()
    {
        var bytes = "A: 1\nAuthentication-Results: mx.example.test; none\nB: 2\nAuthentication-Results: mx.example.test;\n\tnone"u8.ToArray();

        var kept = AuthservIdClaim.RemoveClaimingFields(bytes, Id);

        Assert.Equal("A: 1\nB: 2\n"u8.ToArray(), kept);
    }

    [Fact]
    public void Nothing_claiming_gives_the_same_bytes()
    {
        var bytes = "Authentication-Results: other.test; none\r\n\r\nbody"u8.ToArray();

        Assert.Empty(AuthservIdClaim.ClaimingFields(bytes, Id));
        Assert.Equal(bytes, AuthservIdClaim.RemoveClaimingFields(bytes, Id));
    }

    [Fact]
    public void Our_own_header_is_claimed() =>
        Assert.True(AuthservIdClaim.Claims(
            AuthenticationResultsHeader.Format(Id, ActorSmtp.Sinks.AuthenticationResults.Empty), Id));
}
