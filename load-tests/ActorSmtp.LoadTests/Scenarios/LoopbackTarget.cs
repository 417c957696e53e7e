using System.Globalization;
using System.Net;

namespace ActorSmtp.LoadTests.Scenarios;

/// The server under test. Only loopback addresses are accepted: load from this tool
/// must never leave the machine, so anything else is refused before a socket is opened.
internal sealed record LoopbackTarget(IPAddress Address, int Port, string Host)
{
    public IPEndPoint EndPoint => new(Address, Port);

    /// "127.0.0.1:2525", "localhost:2525", "[::1]:2525".
    public static LoopbackTarget Parse(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
            throw new FormatException($"'{text}' is not HOST:PORT (e.g. 127.0.0.1:2525)");

        var host = text[..colon].Trim('[', ']');
        // "localhost" is mapped here rather than resolved: a resolver could answer with anything.
        var address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (address is null || !IPAddress.IsLoopback(address))
            throw new FormatException(
                $"refusing target '{text}': only loopback addresses (127.0.0.0/8, ::1, localhost) may be load-tested");
        return new LoopbackTarget(address, port, host);
    }

    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}
