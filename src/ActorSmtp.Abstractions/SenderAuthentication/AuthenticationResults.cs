using System.Text.Json.Serialization;

namespace ActorSmtp.Sinks;

/// <summary>
/// Who really sent a message: the checks of <c>actorsmtp.authentication</c> and <c>actorsmtp.dnsbl</c> (RFC 7208 SPF,
/// RFC 6376 DKIM, RFC 7489 DMARC, RFC 8617 ARC, DNS blocklists). A check that is off is null. Policies at RCPT see
/// <see cref="Dnsbl"/> and <see cref="Spf"/>; a sink sees all. Stored as "authentication" in the envelope's <c>.json</c>.
/// </summary>
public sealed record AuthenticationResults(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SpfCheck? Spf = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DkimCheck>? Dkim = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DmarcCheck? Dmarc = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ArcCheck? Arc = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DnsblCheck? Dnsbl = null)
{
    public static readonly AuthenticationResults Empty = new();
}

/// <summary>RFC 7208 §2.6 results; written lower-case ("softfail", "temperror") as RFC 8601 spells them.</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<SpfResult>))]
public enum SpfResult { None, Neutral, Pass, Fail, SoftFail, TempError, PermError }

/// <summary>The SPF check of one identity.</summary>
/// <param name="Result">The check_host() result.</param>
/// <param name="Identity">"mailfrom", or "helo" when MAIL FROM was &lt;&gt; (RFC 7208 §2.4).</param>
/// <param name="Domain">The domain checked (the MAIL FROM's domain, or the HELO name).</param>
/// <param name="Reason">Why (the matching mechanism, the DNS failure, the syntax error), or null.</param>
public sealed record SpfCheck(SpfResult Result, string Identity, string Domain, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>RFC 8601 §2.7.1 DKIM results.</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<DkimResult>))]
public enum DkimResult { None, Pass, Fail, Policy, Neutral, TempError, PermError }

/// <summary>One DKIM-Signature's verification.</summary>
/// <param name="Domain">Its <c>d=</c>.</param>
/// <param name="Selector">Its <c>s=</c>.</param>
/// <param name="Algorithm">Its <c>a=</c> ("rsa-sha256", "ed25519-sha256").</param>
public sealed record DkimCheck(DkimResult Result, string Domain, string Selector, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Algorithm = null, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>RFC 7489 §11.2 DMARC results.</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<DmarcResult>))]
public enum DmarcResult { None, Pass, Fail, TempError, PermError }

/// <summary>The requested handling of failing mail (RFC 7489 §6.3 <c>p=</c>/<c>sp=</c>).</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<DmarcPolicy>))]
public enum DmarcPolicy { None, Quarantine, Reject }

/// <summary>The DMARC evaluation of the RFC5322.From domain.</summary>
/// <param name="FromDomain">The From header's domain.</param>
/// <param name="OrganizationalDomain">Its organizational domain by the Public Suffix List.</param>
/// <param name="Policy">The policy that applies (<c>sp=</c> for a subdomain); None when there is no record.</param>
/// <param name="SpfAligned">An SPF pass for an aligned domain.</param>
/// <param name="DkimAligned">A DKIM pass for an aligned <c>d=</c>.</param>
public sealed record DmarcCheck(DmarcResult Result, string FromDomain, string? OrganizationalDomain, DmarcPolicy Policy,
    bool SpfAligned, bool DkimAligned, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>RFC 8617 §4.4 chain validation status (<c>cv=</c>).</summary>
[JsonConverter(typeof(LowerCaseEnumConverter<ArcResult>))]
public enum ArcResult { None, Pass, Fail }

/// <param name="Instances">How many ARC sets the message carries.</param>
public sealed record ArcCheck(ArcResult Result, int Instances, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>The client's address listed in one blocklist zone.</summary>
/// <param name="Answer">The A record the zone returned (127.0.0.x).</param>
public sealed record DnsblListing(string Zone, string Answer, int Weight);

/// <summary>The blocklist lookups at connect.</summary>
/// <param name="Blocked">The score reached the threshold: the client was refused.</param>
/// <param name="Score">The sum of the listing zones' weights.</param>
/// <param name="TempErrors">Zones that did not answer (a DNS failure never blocks).</param>
public sealed record DnsblCheck(bool Blocked, int Score, IReadOnlyList<DnsblListing> Listings, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TempErrors = null);

/// <summary>Results as RFC 8601 writes them ("softfail", "temperror"), in the envelope's JSON whoever reads it.</summary>
public sealed class LowerCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(new LowerCase(), allowIntegerValues: false)
    where TEnum : struct, Enum
{
    private sealed class LowerCase : System.Text.Json.JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
