using System.Globalization;
using System.Net;

namespace ActorSmtp.Dns;

/// <summary>The one resolver's settings (<c>actorsmtp.dns</c>): whom to ask, how long to wait, how often, what to keep.</summary>
/// <param name="Servers">The resolvers to ask in order; empty = the system's (resolv.conf).</param>
/// <param name="Timeout">How long one attempt at one server may take (<c>timeout</c>).</param>
/// <param name="Attempts">Tries per server, the first included (<c>attempts</c>); at least 1.</param>
/// <param name="Cache">The answer cache (<c>cache { … }</c>).</param>
public sealed record DnsSettings(IReadOnlyList<IPEndPoint> Servers, TimeSpan Timeout, int Attempts, DnsCacheSettings Cache)
{
    /// <summary>The system's resolvers, 2 s, 2 attempts, the default cache.</summary>
    public static DnsSettings Default { get; } = new([], TimeSpan.FromSeconds(2), 2, DnsCacheSettings.Default);

    /// <summary>
    /// Reads one <c>servers</c> entry: <c>"127.0.0.1:5353"</c>, <c>"127.0.0.1"</c> (port 53), <c>"[::1]:53"</c>,
    /// <c>"::1"</c> (port 53).
    /// </summary>
    /// <exception cref="FormatException">The entry is not an address or address:port; the message quotes it.</exception>
    public static IPEndPoint ParseServer(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = entry.Trim();
        var (host, port) = Split(text);
        if (!IPAddress.TryParse(host, out var address)
            || !ushort.TryParse(port ?? "53", NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number == 0)
            throw new FormatException($"DNS server \"{entry}\" is not an address or address:port (like \"127.0.0.1:5353\" or \"[::1]:53\")");
        return new IPEndPoint(address, number);
    }

    // "[v6]:port", "[v6]", "v4:port", else a bare address (an IPv6 one has several colons).
    private static (string Host, string? Port) Split(string text)
    {
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
                return (text, null);
            var rest = text[(close + 1)..];
            return (text[1..close], rest.Length == 0 ? null : rest.StartsWith(':') ? rest[1..] : ""); // "" parses as no port
        }
        var colon = text.IndexOf(':');
        return colon >= 0 && colon == text.LastIndexOf(':') ? (text[..colon], text[(colon + 1)..]) : (text, null);
    }
}
