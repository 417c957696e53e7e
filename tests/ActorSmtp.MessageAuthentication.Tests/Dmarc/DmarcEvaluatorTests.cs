using ActorSmtp.MessageAuthentication.Dmarc;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Dmarc;

public sealed class DmarcEvaluatorTests
{
    private readonly FakeDns _dns = new();

    private static SpfCheck SpfPass(string domain) => new(SpfResult.Pass, "mailfrom", domain);

    private static DkimCheck DkimPass(string domain) => new(DkimResult.Pass, domain, "s1", "rsa-sha256");

    private ValueTask<DmarcCheck> CheckAsync(string? from, SpfCheck? spf = null, Random? sampler = null, params DkimCheck[] dkim) =>
        new DmarcEvaluator(_dns, PublicSuffixList.Shipped, sampler ?? new FixedSample(0))
            .CheckAsync(new DmarcRequest(from, spf, dkim), CancellationToken.None);

    [Fact]
    public async Task Spf_pass_for_a_relaxed_aligned_domain_passes()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject");

        var check = await CheckAsync("a.test", SpfPass("bounces.a.test"));

        Assert.Equal(new DmarcCheck(DmarcResult.Pass, "a.test", "a.test", DmarcPolicy.Reject, true, false), check);
    }

    [Fact]
    public async Task Dkim_pass_for_an_aligned_d_passes_even_when_spf_fails()
    {
        _dns.Txt("_dmarc.example.co.uk", "v=DMARC1; p=quarantine");

        var check = await CheckAsync("news.example.co.uk", new SpfCheck(SpfResult.Fail, "mailfrom", "example.co.uk"),
            null, new DkimCheck(DkimResult.Fail, "example.co.uk", "s0"), DkimPass("mail.example.co.uk"));

        Assert.Equal(DmarcResult.Pass, check.Result);
        Assert.Equal("example.co.uk", check.OrganizationalDomain);
        Assert.False(check.SpfAligned);
        Assert.True(check.DkimAligned);
    }

    [Fact]
    public async Task Strict_alignment_wants_the_same_name()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject; adkim=s; aspf=s");

        var sub = await CheckAsync("a.test", SpfPass("mail.a.test"), null, DkimPass("mail.a.test"));
        var same = await CheckAsync("A.Test.", SpfPass("a.test"));

        Assert.Equal((DmarcResult.Fail, false, false), (sub.Result, sub.SpfAligned, sub.DkimAligned));
        Assert.Contains("aspf=s, adkim=s", sub.Reason);
        Assert.Equal((DmarcResult.Pass, true), (same.Result, same.SpfAligned));
    }

    [Fact]
    public async Task A_pass_for_another_organization_does_not_align()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject");

        var check = await CheckAsync("a.test", SpfPass("evil.test"), null, DkimPass("a.test.evil.test"));

        Assert.Equal(DmarcResult.Fail, check.Result);
        Assert.Equal(DmarcPolicy.Reject, check.Policy);
    }

    [Fact]
    public async Task Private_psl_entries_separate_organizations()
    {
        _dns.Txt("_dmarc.alice.github.io", "v=DMARC1; p=reject");

        var check = await CheckAsync("alice.github.io", SpfPass("mallory.github.io"));

        Assert.Equal(DmarcResult.Fail, check.Result);
    }

    [Theory]
    [InlineData(SpfResult.SoftFail)]
    [InlineData(SpfResult.Neutral)]
    [InlineData(SpfResult.TempError)]
    public async Task Only_an_spf_pass_counts(SpfResult result)
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=none");

        var check = await CheckAsync("a.test", new SpfCheck(result, "mailfrom", "a.test"));

        Assert.Equal((DmarcResult.Fail, false), (check.Result, check.SpfAligned));
    }

    [Fact]
    public async Task An_spf_helo_pass_for_a_null_reverse_path_counts()
    {
        // RFC 7489 §4.1 uses SPF's MAIL FROM identity; for a null path RFC 7208 §2.4 makes it postmaster@HELO.
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject");

        var check = await CheckAsync("a.test", new SpfCheck(SpfResult.Pass, "helo", "mx1.a.test"));

        Assert.Equal((DmarcResult.Pass, true), (check.Result, check.SpfAligned));
    }

    [Fact]
    public async Task A_subdomain_without_a_record_gets_the_organizational_sp_policy()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject; sp=quarantine");

        var sub = await CheckAsync("x.y.a.test");
        var org = await CheckAsync("a.test");

        Assert.Equal(["_dmarc.x.y.a.test", "_dmarc.a.test", "_dmarc.a.test"], _dns.Queries);
        Assert.Equal((DmarcResult.Fail, DmarcPolicy.Quarantine, "a.test"), (sub.Result, sub.Policy, sub.OrganizationalDomain));
        Assert.Equal(DmarcPolicy.Reject, org.Policy);
    }

    [Fact]
    public async Task Without_sp_a_subdomain_gets_p()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject");

        Assert.Equal(DmarcPolicy.Reject, (await CheckAsync("x.a.test")).Policy);
    }

    [Fact]
    public async Task A_subdomain_record_of_its_own_wins_and_uses_p()
    {
        _dns.Txt("_dmarc.x.a.test", "v=spf1 -all", "v=DMARC1; p=none; sp=reject")
            .Txt("_dmarc.a.test", "v=DMARC1; p=reject");

        var check = await CheckAsync("x.a.test");

        Assert.Equal(["_dmarc.x.a.test"], _dns.Queries);
        Assert.Equal(DmarcPolicy.None, check.Policy);
    }

    [Fact]
    public async Task Non_dmarc_txt_records_are_discarded_before_the_fallback()
    {
        _dns.Txt("_dmarc.x.a.test", "some verification token").Txt("_dmarc.a.test", "v=DMARC1; p=quarantine");

        Assert.Equal(DmarcPolicy.Quarantine, (await CheckAsync("x.a.test")).Policy);
    }

    [Fact]
    public async Task No_record_anywhere_is_none()
    {
        var check = await CheckAsync("x.a.test", SpfPass("a.test"));

        Assert.Equal(new DmarcCheck(DmarcResult.None, "x.a.test", "a.test", DmarcPolicy.None, false, false,
            "no DMARC record for x.a.test"), check);
    }

    [Fact]
    public async Task Several_records_mean_none_applies()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject", "v=DMARC1; p=none");

        var check = await CheckAsync("a.test");

        Assert.Equal((DmarcResult.None, DmarcPolicy.None), (check.Result, check.Policy));
        Assert.Contains("2 DMARC records", check.Reason);
    }

    [Fact]
    public async Task An_unusable_record_is_a_permerror()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=sometimes");

        var check = await CheckAsync("a.test", SpfPass("a.test"));

        Assert.Equal((DmarcResult.PermError, DmarcPolicy.None), (check.Result, check.Policy));
        Assert.Contains("p=sometimes", check.Reason);
    }

    [Fact]
    public async Task An_invalid_p_with_a_valid_rua_is_evaluated_as_p_none()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=sometimes; rua=mailto:d@a.test");

        var check = await CheckAsync("a.test");

        Assert.Equal((DmarcResult.Fail, DmarcPolicy.None), (check.Result, check.Policy));
        Assert.Contains("read as p=none", check.Reason);
    }

    [Fact]
    public async Task A_dns_failure_is_a_temperror_never_a_pass()
    {
        _dns.Failing.Add("_dmarc.a.test");

        var own = await CheckAsync("a.test", SpfPass("a.test"));
        var org = await CheckAsync("x.a.test", SpfPass("a.test"));

        Assert.Equal((DmarcResult.TempError, DmarcPolicy.None), (own.Result, own.Policy));
        Assert.Equal(DmarcResult.TempError, org.Result);
        Assert.Contains("SERVFAIL", org.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a..test")]
    public async Task No_single_from_domain_is_a_permerror(string? from)
    {
        var check = await CheckAsync(from, SpfPass("a.test"));

        Assert.Equal(DmarcResult.PermError, check.Result);
        Assert.Contains("§6.6.1", check.Reason);
        Assert.Empty(_dns.Queries);
    }

    [Fact]
    public async Task A_public_suffix_from_domain_is_its_own_organizational_domain()
    {
        _dns.Txt("_dmarc.co.uk", "v=DMARC1; p=reject");

        var check = await CheckAsync("co.uk", SpfPass("co.uk"));

        Assert.Equal((DmarcResult.Pass, "co.uk"), (check.Result, check.OrganizationalDomain));
        Assert.Equal(["_dmarc.co.uk"], _dns.Queries);
    }

    [Fact]
    public async Task Idn_from_domains_are_looked_up_as_a_labels()
    {
        _dns.Txt("_dmarc.xn--bcher-kva.de", "v=DMARC1; p=reject");

        var check = await CheckAsync("Bücher.de", null, null, DkimPass("xn--bcher-kva.de"));

        Assert.Equal(["_dmarc.xn--bcher-kva.de"], _dns.Queries);
        Assert.Equal((DmarcResult.Pass, "xn--bcher-kva.de"), (check.Result, check.FromDomain));
    }

    [Theory]
    [InlineData("reject", 24, DmarcPolicy.Reject)]     // drawn 24 < pct=25: sampled, the policy applies
    [InlineData("reject", 25, DmarcPolicy.Quarantine)] // not sampled: the next policy down (RFC 7489 §6.6.4)
    [InlineData("quarantine", 99, DmarcPolicy.None)]
    [InlineData("none", 99, DmarcPolicy.None)]
    public async Task Pct_samples_failing_mail(string p, int draw, DmarcPolicy expected)
    {
        _dns.Txt("_dmarc.a.test", $"v=DMARC1; p={p}; pct=25");

        var check = await CheckAsync("a.test", null, new FixedSample(draw));

        Assert.Equal((DmarcResult.Fail, expected), (check.Result, check.Policy));
        if (!expected.ToString().Equals(p, StringComparison.OrdinalIgnoreCase))
            Assert.Contains("not sampled", check.Reason);
    }

    [Fact]
    public async Task Pct_zero_never_applies_reject_and_a_pass_draws_nothing()
    {
        _dns.Txt("_dmarc.a.test", "v=DMARC1; p=reject; pct=0");
        var sampler = new FixedSample(0);

        var fail = await CheckAsync("a.test", null, sampler);
        var pass = await CheckAsync("a.test", SpfPass("a.test"), sampler);

        Assert.Equal(DmarcPolicy.Quarantine, fail.Policy);
        Assert.Equal((DmarcResult.Pass, DmarcPolicy.Reject), (pass.Result, pass.Policy));
        Assert.Equal(1, sampler.Draws);
    }
}
