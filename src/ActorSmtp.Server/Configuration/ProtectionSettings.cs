using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Protection against abuse and faults: per-client limits, slow-client deadlines, content limits and the
/// shutdown grace (the <c>actorsmtp.limits</c> keys beyond the basic ones, plus <c>trusted-networks</c>,
/// <c>trusted-proxies</c> and <c>shutdown-grace</c>). Zero turns a limit off.
/// </summary>
/// <param name="MaxConnectionsPerClient">Concurrent connections per client address (Postfix smtpd_client_connection_count_limit).</param>
/// <param name="ConnectionRatePerClient">Connections per client per minute.</param>
/// <param name="MessageRatePerClient">MAIL commands accepted per client per minute.</param>
/// <param name="RecipientRatePerClient">RCPT commands accepted per client per minute.</param>
/// <param name="AuthRatePerClient">AUTH commands per client per minute, successful or not (Postfix smtpd_client_auth_rate_limit).</param>
/// <param name="TlsSessionRatePerClient">New TLS sessions (STARTTLS or implicit TLS) per client per minute, counted before
/// the handshake (Postfix smtpd_client_new_tls_session_rate_limit).</param>
/// <param name="TrustedNetworks">Clients in these networks are exempt from the per-client limits.</param>
/// <param name="TrustedProxies">Peers allowed to send a PROXY header on endpoints with <c>proxy-protocol</c>.</param>
/// <param name="GreetingDelay">The 220 waits this long; a client that talks first is refused (early talker).</param>
/// <param name="MinDataRate">Bytes per second a DATA transfer must keep up on average, or 421 4.4.2.</param>
/// <param name="MaxHeaderSize">Longest header block accepted; longer ones get 552 5.3.4 and nothing is stored.</param>
/// <param name="RejectLongDataLines">Refuse messages with a line over 1000 octets (RFC 5321 §4.5.3.1.6) instead of storing them.</param>
/// <param name="ProxyHeaderTimeout">Time for a proxy to send its PROXY header.</param>
/// <param name="ShutdownGrace">How long transactions in progress may take to finish at shutdown.</param>
/// <param name="ClientIpv6PrefixLength">IPv6 clients are counted per network of this prefix (Postfix smtpd_client_ipv6_prefix_length):
/// one host easily has a whole /64.</param>
public sealed record ProtectionSettings(
    int MaxConnectionsPerClient,
    int ConnectionRatePerClient,
    int MessageRatePerClient,
    int RecipientRatePerClient,
    int AuthRatePerClient,
    int TlsSessionRatePerClient,
    IReadOnlyList<IPNetwork> TrustedNetworks,
    IReadOnlyList<IPNetwork> TrustedProxies,
    TimeSpan GreetingDelay,
    long MinDataRate,
    int MaxHeaderSize,
    bool RejectLongDataLines,
    int MaxJunkCommands,
    bool CloseOnNonSmtpCommands,
    TimeSpan ProxyHeaderTimeout,
    TimeSpan ShutdownGrace,
    int ClientIpv6PrefixLength = 84)
{
    /// <summary>
    /// What code that builds settings by hand gets: no per-client limits, no greeting delay, no minimum
    /// data rate; the content and junk limits at their shipped defaults.
    /// </summary>
    public static ProtectionSettings None { get; } = new(
        0, 0, 0, 0, 0, 0, [], [], TimeSpan.Zero, 0, 100 * 1024, false, 100, true, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    /// <summary>True when any per-client limit is on (otherwise the listener keeps no per-client table).</summary>
    public bool LimitsClients =>
        MaxConnectionsPerClient > 0 || ConnectionRatePerClient > 0 || MessageRatePerClient > 0 || RecipientRatePerClient > 0 ||
        AuthRatePerClient > 0 || TlsSessionRatePerClient > 0;

    public bool IsTrusted(IPAddress address) => Contains(TrustedNetworks, address);

    public bool IsTrustedProxy(IPAddress address) => Contains(TrustedProxies, address);

    internal static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        address = Normalize(address);
        foreach (var network in networks)
        {
            if (network.Contains(address))
                return true;
        }
        return false;
    }

    /// <summary>Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; limits and lists use the IPv4 form.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    internal static ProtectionSettings From(ConfigReader root, ConfigReader limits) => new(
        limits.Int("max-connections-per-client", min: 0),
        limits.Int("connection-rate-per-client", min: 0),
        limits.Int("message-rate-per-client", min: 0),
        limits.Int("recipient-rate-per-client", min: 0),
        limits.Int("auth-rate-per-client", min: 0),
        limits.Int("tls-session-rate-per-client", min: 0),
        Networks(root, "trusted-networks"),
        Networks(root, "trusted-proxies"),
        limits.Duration("greeting-delay", TimeSpan.Zero),
        limits.Bytes("min-data-rate", min: 0),
        (int)Math.Min(limits.Bytes("max-header-size", min: 1024), 64 * 1024 * 1024),
        limits.String("long-data-lines") switch
        {
            "accept" => false,
            "reject" => true,
            var other => throw new SettingsException(limits.Key("long-data-lines"), $"must be accept or reject, not '{other}'"),
        },
        limits.Int("max-junk-commands", min: 0),
        limits.Bool("close-on-non-smtp-commands"),
        limits.Duration("proxy-header-timeout", TimeSpan.FromMilliseconds(100)),
        root.Duration("shutdown-grace", TimeSpan.Zero),
        limits.Int("client-ipv6-prefix-length", min: 1, max: 128));

    /// <summary>The key per-client limits count under: the IPv4 address, or the IPv6 network of <see cref="ClientIpv6PrefixLength"/>.</summary>
    public IPAddress ClientKey(IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || ClientIpv6PrefixLength >= 128)
            return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        Mask(bytes, ClientIpv6PrefixLength);
        return new IPAddress(bytes);
    }

    private static void Mask(Span<byte> bytes, int prefix)
    {
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] &= (byte)(0xFF << (8 - Math.Clamp(prefix - i * 8, 0, 8)));
    }

    /// <summary>A list of CIDR networks ("10.0.0.0/8", "::1/128"); a bare address means just that address.</summary>
    internal static IReadOnlyList<IPNetwork> Networks(ConfigReader root, string name)
    {
        var networks = new List<IPNetwork>();
        var entries = root.Strings(name);
        for (var i = 0; i < entries.Count; i++)
        {
            var text = entries[i].Trim();
            if (TryParseNetwork(text, out var network))
                networks.Add(network);
            else
                throw new SettingsException($"{root.Key(name)}[{i}]", $"'{text}' is not a CIDR network such as 10.0.0.0/8 or an IP address");
        }
        return networks;
    }

    /// <summary>"a.b.c.d/n" (host bits set are masked off, as "192.168.1.7/24" is meant), or a bare address.</summary>
    internal static bool TryParseNetwork(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
            return false;
        address = Normalize(address);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > bits))
            return false;
        var bytes = address.GetAddressBytes();
        Mask(bytes, prefix);
        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }
}
