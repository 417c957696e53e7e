using System.Net;

namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>One server to connect to: its name (for TLS, RFC 6125) and, when DNS gave it already, its address.</summary>
public sealed record UpstreamHost(string Name, IPAddress? Address, int Port)
{
    internal EndPoint EndPoint => Address is null ? new DnsEndPoint(Name, Port) : new IPEndPoint(Address, Port);

    public override string ToString() => Address is null || Address.ToString() == Name ? $"{Name}:{Port}" : $"{Name}[{Address}]:{Port}";
}
