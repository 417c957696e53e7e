using ActorSmtp.MessageAuthentication.Dmarc;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Dmarc;

public sealed class DmarcRecordParserTests
{
    [Theory]
    [InlineData("v=DMARC1; p=none", true)]
    [InlineData("v=DMARC1", true)]
    [InlineData("v = DMARC1 ;p=reject", true)]
    [InlineData("V=DMARC1; p=none", true)]
    [InlineData("v=dmarc1; p=none", false)] // RFC 7489 §6.4: %x44 %x4d %x41 %x52 %x43 %x31, case-sensitive
    [InlineData("v=DMARC10; p=none", false)]
    [InlineData("p=none; v=DMARC1", false)] // v= must come first
    [InlineData("v=spf1 -all", false)]
    [InlineData("", false)]
    public void Only_records_starting_with_v_DMARC1_are_dmarc_records(string text, bool expected) =>
        Assert.Equal(expected, DmarcRecordParser.IsDmarcRecord(text));

    [Fact]
    public void A_minimal_record_gets_the_rfc_defaults()
    {
        Assert.True(DmarcRecordParser.TryParse("v=DMARC1; p=quarantine", out var record, out var problem));

        Assert.Null(problem);
        Assert.Equal(new DmarcRecord(DmarcPolicy.Quarantine), record with { AggregateReportUris = null, FailureReportUris = null });
        Assert.Empty(record.AggregateReportUris!);
        Assert.Equal(DmarcPolicy.Quarantine, record.PolicyFor(subdomainOfRecordDomain: true));
    }

    [Fact]
    public void Every_tag_is_read()
    {
        const string text = "v=DMARC1;p=reject;sp=NONE;adkim=s;aspf=S;pct=25;"
            + "rua=mailto:agg@a.test!10m, mailto:other@a.test;ruf=mailto:f@a.test;fo=1:d;rf=afrf;ri=3600;";

        Assert.True(DmarcRecordParser.TryParse(text, out var record, out var problem));

        Assert.Null(problem);
        Assert.Equal(DmarcPolicy.Reject, record.Policy);
        Assert.Equal(DmarcPolicy.None, record.SubdomainPolicy);
        Assert.Equal(DmarcAlignmentMode.Strict, record.DkimAlignment);
        Assert.Equal(DmarcAlignmentMode.Strict, record.SpfAlignment);
        Assert.Equal(25, record.Percent);
        Assert.Equal(["mailto:agg@a.test!10m", "mailto:other@a.test"], record.AggregateReportUris);
        Assert.Equal(["mailto:f@a.test"], record.FailureReportUris);
        Assert.Equal("1:d", record.FailureOptions);
        Assert.Equal(3600, record.ReportInterval);
        Assert.Equal(DmarcPolicy.None, record.PolicyFor(subdomainOfRecordDomain: true));
        Assert.Equal(DmarcPolicy.Reject, record.PolicyFor(subdomainOfRecordDomain: false));
    }

    [Theory]
    [InlineData("v=DMARC1; p=reject; adkim=x; aspf=relaxed; pct=200; fo=9; ri=soon; unknown=tag; novalue")]
    [InlineData("v=DMARC1; p=reject; pct=-1")]
    [InlineData("v=DMARC1; p=reject; pct=1000")]
    public void Syntax_errors_outside_p_fall_back_to_defaults(string text)
    {
        // RFC 7489 §6.3: unknown tags are ignored; syntax errors give way to the defaults.
        Assert.True(DmarcRecordParser.TryParse(text, out var record, out var problem));

        Assert.Null(problem);
        Assert.Equal(DmarcPolicy.Reject, record.Policy);
        Assert.Equal(DmarcAlignmentMode.Relaxed, record.DkimAlignment);
        Assert.Equal(100, record.Percent);
        Assert.Equal("0", record.FailureOptions);
        Assert.Equal(86400, record.ReportInterval);
    }

    [Theory]
    [InlineData("v=DMARC1; p=bogus")]
    [InlineData("v=DMARC1")]
    [InlineData("v=DMARC1; p=reject; sp=maybe")]
    [InlineData("v=DMARC1; p=bogus; rua=not a uri")]
    public void An_invalid_policy_without_a_valid_rua_is_unusable(string text)
    {
        Assert.False(DmarcRecordParser.TryParse(text, out var record, out var problem));

        Assert.Null(record);
        Assert.Contains("§6.6.3 step 6", problem);
    }

    [Theory]
    [InlineData("v=DMARC1; p=bogus; rua=mailto:agg@a.test")]
    [InlineData("v=DMARC1; rua=mailto:agg@a.test")]
    [InlineData("v=DMARC1; p=reject; sp=maybe; rua=mailto:agg@a.test")]
    public void An_invalid_policy_with_a_valid_rua_reads_as_p_none(string text)
    {
        Assert.True(DmarcRecordParser.TryParse(text, out var record, out var problem));

        Assert.Equal(DmarcPolicy.None, record.Policy);
        Assert.Null(record.SubdomainPolicy);
        Assert.Contains("read as p=none", problem);
    }

    [Fact]
    public void The_first_of_a_repeated_tag_counts()
    {
        Assert.True(DmarcRecordParser.TryParse("v=DMARC1; p=none; p=reject", out var record, out _));

        Assert.Equal(DmarcPolicy.None, record.Policy);
    }
}
