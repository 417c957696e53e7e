using DnsClient.Protocol;

namespace ActorSmtp.Dns.Caching;

/// <summary>How long an answer may be kept, from the records that came with it, clamped to the cache's bounds.</summary>
internal sealed class DnsLifetime(DnsCacheSettings settings)
{
    // A negative answer without an SOA says nothing of its lifetime: keep it briefly.
    private static readonly TimeSpan WithoutSoa = TimeSpan.FromSeconds(60);

    /// <summary>The smallest TTL of the answer section (a CNAME chain lives as long as its shortest link).</summary>
    public TimeSpan Positive(IReadOnlyCollection<DnsResourceRecord> answers) =>
        Clamp(answers.Count == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(answers.Min(record => record.TimeToLive)));

    /// <summary>RFC 2308 §5: the lesser of the authority SOA's own TTL and its MINIMUM field.</summary>
    public TimeSpan Negative(IEnumerable<DnsResourceRecord> authorities) =>
        authorities.OfType<SoaRecord>().FirstOrDefault() is { } soa
            ? Clamp(TimeSpan.FromSeconds(Math.Min(soa.TimeToLive, soa.Minimum)))
            : Clamp(WithoutSoa);

    private TimeSpan Clamp(TimeSpan ttl)
    {
        if (ttl > settings.MaxTtl)
            ttl = settings.MaxTtl;
        return ttl < settings.MinTtl ? settings.MinTtl : ttl;
    }
}
