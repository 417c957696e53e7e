using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>A parsed DMARC policy record (RFC 7489 §6.3), its defaults filled in.</summary>
/// <param name="Policy"><c>p=</c>: what the domain owner asks for mail that fails.</param>
/// <param name="SubdomainPolicy"><c>sp=</c>: the same for subdomains when the record was found at the organizational
/// domain; null when absent (then <paramref name="Policy"/> applies).</param>
/// <param name="DkimAlignment"><c>adkim=</c>, relaxed by default.</param>
/// <param name="SpfAlignment"><c>aspf=</c>, relaxed by default.</param>
/// <param name="Percent"><c>pct=</c>: the share of failing mail the policy is applied to (0-100, default 100; §6.6.4).</param>
/// <param name="AggregateReportUris"><c>rua=</c>: the syntactically valid URIs (reports are not sent by ActorSmtp).</param>
/// <param name="FailureReportUris"><c>ruf=</c>: the same for failure reports.</param>
/// <param name="FailureOptions"><c>fo=</c>, default "0".</param>
/// <param name="ReportFormat"><c>rf=</c>, default "afrf".</param>
/// <param name="ReportInterval"><c>ri=</c> in seconds, default 86400.</param>
public sealed record DmarcRecord(
    DmarcPolicy Policy,
    DmarcPolicy? SubdomainPolicy = null,
    DmarcAlignmentMode DkimAlignment = DmarcAlignmentMode.Relaxed,
    DmarcAlignmentMode SpfAlignment = DmarcAlignmentMode.Relaxed,
    int Percent = 100,
    IReadOnlyList<string>? AggregateReportUris = null,
    IReadOnlyList<string>? FailureReportUris = null,
    string FailureOptions = "0",
    string ReportFormat = "afrf",
    long ReportInterval = 86400)
{
    /// <summary>The policy for a message whose From domain is <c>sp=</c>'s subject or not.</summary>
    public DmarcPolicy PolicyFor(bool subdomainOfRecordDomain) =>
        subdomainOfRecordDomain ? SubdomainPolicy ?? Policy : Policy;
}
