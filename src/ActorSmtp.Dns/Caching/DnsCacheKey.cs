using DnsClient;

namespace ActorSmtp.Dns.Caching;

/// <param name="Name">Lower-case, without the trailing dot: names are case-insensitive (RFC 4343 §3).</param>
internal readonly record struct DnsCacheKey(string Name, QueryType Type);
