using System.Net;
using Akka.Configuration;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Telemetry;

/// <summary>
/// <c>actorsmtp.metrics</c>, <c>actorsmtp.trace</c> and <c>actorsmtp.log-sessions</c>: how the server can be
/// watched. Every key is documented in hocon/actorsmtp.reference.conf.
/// </summary>
public sealed record TelemetrySettings(MetricsSettings Metrics, TraceSettings Trace, bool LogSessions)
{
    /// <summary>Reads and validates the sections; throws <see cref="SettingsException"/> naming the bad key.</summary>
    public static TelemetrySettings FromConfig(Config config)
    {
        var root = new ConfigReader(config.GetConfig(ActorSmtpSettings.Root) ?? Config.Empty, ActorSmtpSettings.Root);
        var metrics = root.Section("metrics");
        var address = metrics.String("address");
        if (!IPAddress.TryParse(address, out _) && address != "localhost" && address != "*" && address != "+")
            throw new SettingsException(metrics.Key("address"), $"'{address}' is not an IP address");
        var trace = root.Section("trace");
        return new TelemetrySettings(
            new MetricsSettings(metrics.Bool("enabled"), address, metrics.Int("port", min: 1, max: 65535)),
            new TraceSettings(trace.Bool("enabled"), Endpoints(trace), Clients(trace)),
            root.Bool("log-sessions"));
    }

    private static IReadOnlyList<(IPAddress? Address, int Port)> Endpoints(ConfigReader trace) =>
        trace.Strings("endpoints").Select((text, i) =>
        {
            if (int.TryParse(text, out var port) && port is > 0 and <= 65535)
                return ((IPAddress?)null, port);
            if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
                return (endpoint.Address, endpoint.Port);
            throw new SettingsException($"{trace.Key("endpoints")}[{i}]", $"'{text}' is neither a port nor ADDRESS:PORT");
        }).ToArray();

    private static IReadOnlyList<IPNetwork> Clients(ConfigReader trace) =>
        trace.Strings("clients").Select((text, i) =>
        {
            if (IPNetwork.TryParse(text, out var network))
                return network;
            if (IPAddress.TryParse(text, out var address))
                return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            throw new SettingsException($"{trace.Key("clients")}[{i}]", $"'{text}' is neither an IP address nor a CIDR block");
        }).ToArray();
}

/// <summary>The Prometheus <c>/metrics</c> and the <c>/healthz</c> endpoint, on one address and port.</summary>
public sealed record MetricsSettings(bool Enabled, string Address, int Port);

/// <summary>
/// Which sessions log every command and reply: all when <paramref name="Enabled"/>, else those on one of
/// <paramref name="Endpoints"/> (a port, or an address and port) or from one of <paramref name="Clients"/>.
/// </summary>
public sealed record TraceSettings(bool Enabled, IReadOnlyList<(IPAddress? Address, int Port)> Endpoints, IReadOnlyList<IPNetwork> Clients)
{
    public static readonly TraceSettings Off = new(false, [], []);

    public bool Applies(IPEndPoint local, IPEndPoint remote)
    {
        if (Enabled)
            return true;
        foreach (var (address, port) in Endpoints)
            if (port == local.Port && (address is null || address.Equals(Normal(local.Address))))
                return true;
        var client = Normal(remote.Address);
        foreach (var network in Clients)
            if (network.Contains(client))
                return true;
        return false;
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
