using ActorSmtp.Dns;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>The outcome of RFC 7489 §6.6.3 policy discovery.</summary>
/// <param name="RecordText">The one DMARC record found, or null.</param>
/// <param name="RecordDomain">Where it was found (the From domain or its organizational domain).</param>
/// <param name="TempError">The DNS failure that stopped discovery, or null.</param>
/// <param name="Why">Why no record applies (none published, several published), or null.</param>
internal sealed record DmarcDiscovery(string? RecordText, string? RecordDomain, string? TempError, string? Why)
{
    /// <summary>
    /// §6.6.3: TXT at <c>_dmarc.&lt;from&gt;</c>; records not starting with <c>v=DMARC1</c> are discarded; if none is
    /// left, the same at <c>_dmarc.&lt;organizational domain&gt;</c>; exactly one record must remain (step 5: several
    /// records or none mean DMARC is not applied). A DNS failure is reported as such (a temperror, never a pass).
    /// </summary>
    public static async ValueTask<DmarcDiscovery> RunAsync(IDnsLookup dns, string fromDomain, string organizationalDomain,
        CancellationToken ct)
    {
        var own = await AtAsync(dns, fromDomain, ct).ConfigureAwait(false);
        if (own.TempError is not null || own.RecordText is not null || own.Why is not null
            || fromDomain == organizationalDomain)
            return own;
        return await AtAsync(dns, organizationalDomain, ct).ConfigureAwait(false);
    }

    private static async ValueTask<DmarcDiscovery> AtAsync(IDnsLookup dns, string domain, CancellationToken ct)
    {
        var name = "_dmarc." + domain;
        var answer = await dns.TxtAsync(name, ct).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Failed)
            return new(null, domain, $"DNS lookup of {name} failed: {answer.Error ?? "no answer"}", null);
        var records = answer.Records.Where(DmarcRecordParser.IsDmarcRecord).ToList();
        return records.Count switch
        {
            0 => new(null, domain, null, null),
            1 => new(records[0], domain, null, null),
            _ => new(null, domain, null, $"{records.Count} DMARC records at {name}: none applies (RFC 7489 §6.6.3 step 5)"),
        };
    }
}
