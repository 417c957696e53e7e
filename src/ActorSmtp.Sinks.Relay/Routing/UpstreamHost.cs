using System.Net;

namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>One server to connect to: its name (for TLS, RFC 6125) and, when DNS gave it already, its address.</summary>
public sealed record UpstreamHost(string Name, IPAddress? Address, int Port)
{
    /// <summary>Where a relayed message went: <c>smtp://name:port</c> (an IPv6 address in brackets).</summary>
    public string Location => $"smtp://{(Name.Contains(':') ? $"[{Name}]" : Name)}:{Port}";

    internal EndPoint EndPoint => Address is null ? new DnsEndPoint(Name, Port) : new IPEndPoint(Address, Port);

    public override string ToString() => Address is null || Address.ToString() == Name ? $"{Name}:{Port}" : $"{Name}[{Address}]:{Port}";
}
