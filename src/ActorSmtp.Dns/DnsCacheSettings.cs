namespace ActorSmtp.Dns;

/// <summary>The resolver's answer cache (<c>actorsmtp.dns.cache</c>).</summary>
/// <param name="MaxEntries">How many answers are kept at most (<c>max-entries</c>); 0 turns the cache off.</param>
/// <param name="MinTtl">An answer is kept at least this long, whatever its TTL (<c>min-ttl</c>).</param>
/// <param name="MaxTtl">An answer is kept at most this long, whatever its TTL (<c>max-ttl</c>).</param>
/// <remarks>
/// Positive answers live for the smallest TTL of their records, negative ones (NXDOMAIN, no data) for the SOA
/// minimum of the authority section (RFC 2308 §5), both clamped to [<see cref="MinTtl"/>, <see cref="MaxTtl"/>].
/// Failures are never kept: the next question asks again.
/// </remarks>
public sealed record DnsCacheSettings(int MaxEntries, TimeSpan MinTtl, TimeSpan MaxTtl)
{
    /// <summary>10 000 entries, TTLs as given up to one hour.</summary>
    public static DnsCacheSettings Default { get; } = new(10_000, TimeSpan.Zero, TimeSpan.FromHours(1));
}
