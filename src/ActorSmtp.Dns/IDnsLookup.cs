using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.Dns;

/// <summary>
/// The DNS questions the mail checks ask. Never throws for a DNS outcome: NXDOMAIN and "no data" are answers,
/// a timeout, SERVFAIL or a refusal is <see cref="DnsStatus.Failed"/> (SPF's and DKIM's temperror).
/// </summary>
public interface IDnsLookup
{
    /// <summary>TXT records of <paramref name="name"/>, each record's strings joined (RFC 7208 §3.3).</summary>
    ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default);

    /// <summary>A (<see cref="AddressFamily.InterNetwork"/>) or AAAA (<see cref="AddressFamily.InterNetworkV6"/>) records.</summary>
    ValueTask<DnsAnswer<IPAddress>> AddressesAsync(string name, AddressFamily family, CancellationToken ct = default);

    /// <summary>MX records, in the order the server gave them.</summary>
    ValueTask<DnsAnswer<MxRecord>> MxAsync(string name, CancellationToken ct = default);

    /// <summary>PTR names of <paramref name="address"/> (the in-addr.arpa / ip6.arpa query), without the trailing dot.</summary>
    ValueTask<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken ct = default);
}

public enum DnsStatus
{
    /// <summary>The name exists; <see cref="DnsAnswer{T}.Records"/> may still be empty (no data of this type).</summary>
    Ok,
    /// <summary>NXDOMAIN.</summary>
    NotFound,
    /// <summary>Timeout, SERVFAIL, REFUSED, a malformed answer: try again later.</summary>
    Failed,
}

/// <param name="Error">For <see cref="DnsStatus.Failed"/>: what went wrong, for logs and the result's reason.</param>
public sealed record DnsAnswer<T>(DnsStatus Status, IReadOnlyList<T> Records, string? Error = null)
{
    /// <summary>RFC 7208 §4.6.4: a void lookup is NXDOMAIN or an answer with no records.</summary>
    public bool IsVoid => Status == DnsStatus.NotFound || (Status == DnsStatus.Ok && Records.Count == 0);

    public static DnsAnswer<T> Of(params T[] records) => new(DnsStatus.Ok, records);
    public static readonly DnsAnswer<T> NoData = new(DnsStatus.Ok, []);
    public static readonly DnsAnswer<T> NxDomain = new(DnsStatus.NotFound, []);
    public static DnsAnswer<T> Failure(string error) => new(DnsStatus.Failed, [], error);
}

/// <param name="Exchange">The host name, without the trailing dot; empty for a null MX ("MX 0 .", RFC 7505).</param>
public sealed record MxRecord(int Preference, string Exchange);
