using ActorSmtp.Dns;
using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>
/// RFC 7489 DMARC for one message: finds the From domain's policy record, checks whether SPF or DKIM passed for an
/// aligned domain, and says which policy applies.
/// </summary>
/// <param name="dns">The resolver for the <c>_dmarc</c> TXT lookups.</param>
/// <param name="psl">The list that defines organizational domains (usually <see cref="PublicSuffixList.Shipped"/>).</param>
/// <param name="sampler">
/// Draws the <c>pct=</c> sample (§6.6.4); <see cref="Random.Shared"/> when null. Tests pass a fixed one.
/// </param>
/// <remarks>
/// <para>Results: <see cref="DmarcResult.Pass"/> when an aligned SPF or DKIM pass exists, <see cref="DmarcResult.Fail"/>
/// otherwise; <see cref="DmarcResult.None"/> when no single record is published (§6.6.3 step 5);
/// <see cref="DmarcResult.TempError"/> when a DNS lookup failed; <see cref="DmarcResult.PermError"/> when the record is
/// unusable (an invalid <c>p=</c> without a valid <c>rua=</c>, §6.6.3 step 6 and §11.2) or the message has no single
/// From domain (§6.6.1).</para>
/// <para>Policy: <c>p=</c> when the record is the From domain's own; <c>sp=</c> (else <c>p=</c>) when it came from the
/// organizational domain and From is a subdomain of it. For a failing message and <c>pct=</c> below 100, a message left
/// out of the sample gets the next policy down (§6.6.4: reject → quarantine, quarantine → none), and
/// <see cref="DmarcCheck.Policy"/> reports that policy: it is the one to act on. A passing message reports the
/// record's policy unchanged and draws no sample. Without a usable record the policy is none.</para>
/// <para>SPF counts for alignment when it passed for the MAIL FROM identity (§4.1); an SPF check of the HELO identity,
/// made because the reverse-path was null, is the MAIL FROM identity by RFC 7208 §2.4 (postmaster@HELO) and counts
/// too.</para>
/// </remarks>
public sealed class DmarcEvaluator(IDnsLookup dns, PublicSuffixList psl, Random? sampler = null)
{
    private readonly Random _sampler = sampler ?? Random.Shared;

    /// <summary>Evaluates DMARC for <paramref name="request"/>. Never throws for a DNS outcome.</summary>
    public async ValueTask<DmarcCheck> CheckAsync(DmarcRequest request, CancellationToken ct)
    {
        var from = DomainName.ToAscii(request.FromHeaderDomain);
        if (from is null)
        {
            return new DmarcCheck(DmarcResult.PermError, request.FromHeaderDomain ?? "", null, DmarcPolicy.None, false, false,
                "no single RFC5322.From domain to evaluate (RFC 7489 §6.6.1)");
        }
        // §3.2; a name that is itself a public suffix is its own organizational domain (§6.6.1: not exempt).
        var organizational = DomainName.ToAscii(psl.OrganizationalDomain(from)) ?? from;
        var discovery = await DmarcDiscovery.RunAsync(dns, from, organizational, ct).ConfigureAwait(false);
        if (discovery.TempError is { } failure)
            return NoPolicy(DmarcResult.TempError, from, organizational, failure);
        if (discovery.RecordText is not { } text)
            return NoPolicy(DmarcResult.None, from, organizational, discovery.Why ?? $"no DMARC record for {from}");
        if (!DmarcRecordParser.TryParse(text, out var record, out var problem))
            return NoPolicy(DmarcResult.PermError, from, organizational, $"_dmarc.{discovery.RecordDomain}: {problem}");

        var spfAligned = request.Spf is { Result: SpfResult.Pass } spf
            && Aligned(DomainName.DomainPart(spf.Domain), from, organizational, record.SpfAlignment);
        var dkimAligned = request.Dkim.Any(d =>
            d.Result == DkimResult.Pass && Aligned(d.Domain, from, organizational, record.DkimAlignment));
        var policy = record.PolicyFor(subdomainOfRecordDomain: discovery.RecordDomain != from);
        if (spfAligned || dkimAligned)
            return new DmarcCheck(DmarcResult.Pass, from, organizational, policy, spfAligned, dkimAligned, problem);

        var reason = $"no aligned SPF or DKIM pass for {from} (aspf={Letter(record.SpfAlignment)}, adkim={Letter(record.DkimAlignment)})";
        (policy, var sampling) = Sample(policy, record.Percent);
        return new DmarcCheck(DmarcResult.Fail, from, organizational, policy, false, false,
            string.Join("; ", new[] { reason, sampling, problem }.Where(r => r is not null)));
    }

    /// <summary>RFC 7489 §3.1.1/§3.1.2: strict is the same name, relaxed the same organizational domain.</summary>
    private bool Aligned(string authenticated, string from, string fromOrganizational, DmarcAlignmentMode mode)
    {
        var domain = DomainName.ToAscii(authenticated);
        if (domain is null)
            return false;
        if (mode == DmarcAlignmentMode.Strict)
            return domain == from;
        return (DomainName.ToAscii(psl.OrganizationalDomain(domain)) ?? domain) == fromOrganizational;
    }

    /// <summary>§6.6.4: the policy applies to pct% of failing mail; the rest gets the next policy down.</summary>
    private (DmarcPolicy Policy, string? Reason) Sample(DmarcPolicy policy, int percent)
    {
        if (percent >= 100 || policy == DmarcPolicy.None || _sampler.Next(100) < percent)
            return (policy, null);
        var lower = policy == DmarcPolicy.Reject ? DmarcPolicy.Quarantine : DmarcPolicy.None;
        return (lower, $"pct={percent}: not sampled, p={Name(policy)} applied as {Name(lower)} (RFC 7489 §6.6.4)");
    }

    private static DmarcCheck NoPolicy(DmarcResult result, string from, string organizational, string reason) =>
        new(result, from, organizational, DmarcPolicy.None, false, false, reason);

    private static string Letter(DmarcAlignmentMode mode) => mode == DmarcAlignmentMode.Strict ? "s" : "r";

    private static string Name(DmarcPolicy policy) => policy.ToString().ToLowerInvariant();
}
