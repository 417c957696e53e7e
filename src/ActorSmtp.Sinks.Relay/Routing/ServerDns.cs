using Akka.Configuration;
using ActorSmtp.Dns;

namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>
/// The server's resolver settings (<c>actorsmtp.dns</c>), for a relay block that names no DNS servers of its own: its MX
/// lookups then ask the one resolver the server's checks ask (<see cref="SharedResolvers"/>), cache included. The
/// server validated these keys at start-up (exit 2 naming a bad one); here they are only read.
/// </summary>
internal static class ServerDns
{
    public static DnsSettings? From(Config? system)
    {
        if (system?.GetConfig("actorsmtp.dns") is not { IsEmpty: false } dns)
            return null;
        var cache = DnsCacheSettings.Default;
        return new DnsSettings(
            dns.GetStringList("servers").Select(DnsSettings.ParseServer).ToArray(),
            dns.GetTimeSpan("timeout", DnsSettings.Default.Timeout),
            dns.GetInt("attempts", DnsSettings.Default.Attempts),
            new DnsCacheSettings(dns.GetInt("cache.max-entries", cache.MaxEntries),
                dns.GetTimeSpan("cache.min-ttl", cache.MinTtl), dns.GetTimeSpan("cache.max-ttl", cache.MaxTtl)));
    }
}
