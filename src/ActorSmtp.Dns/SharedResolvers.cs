using System.Collections.Concurrent;

namespace ActorSmtp.Dns;

/// <summary>
/// One <see cref="DnsResolver"/> per distinct <see cref="DnsSettings"/> in the process: the server's checks and the relay
/// sink's MX lookups, configured alike (the relay defers to <c>actorsmtp.dns</c> unless its block names servers), ask the
/// same resolver and share its cache. Resolvers hold no sockets between questions, so they are kept for the process.
/// </summary>
public static class SharedResolvers
{
    private static readonly ConcurrentDictionary<string, DnsResolver> Resolvers = new(StringComparer.Ordinal);

    /// <summary>The resolver of <paramref name="settings"/>, made at the first call with them.</summary>
    public static DnsResolver For(DnsSettings settings) =>
        Resolvers.GetOrAdd(Key(settings), static (_, s) => new DnsResolver(s), settings);

    private static string Key(DnsSettings settings) =>
        $"{string.Join(',', settings.Servers)}|{settings.Timeout.Ticks}|{settings.Attempts}|{settings.Cache}";
}
