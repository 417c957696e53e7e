using System.Net;

namespace ActorSmtp.Server.Configuration;

/// <summary>How an endpoint uses TLS.</summary>
public enum EndpointTls
{
    /// <summary>Plain SMTP only.</summary>
    None,
    /// <summary>Plain SMTP that offers the STARTTLS upgrade (RFC 3207), as on port 25.</summary>
    StartTls,
    /// <summary>TLS from the first byte ("secure", port 465, RFC 8314).</summary>
    Implicit,
}

/// <summary>One listening address. Port 0 asks the OS for an ephemeral port.</summary>
/// <param name="ProxyProtocol">The PROXY header versions expected before SMTP (HAProxy spec); null = none.</param>
public sealed record EndpointSettings(
    IPAddress Address, int Port, int Backlog = 1024, EndpointTls Tls = EndpointTls.None, bool RequireTls = false,
    ActorSmtp.Protocol.Session.AuthMode Auth = ActorSmtp.Protocol.Session.AuthMode.Off,
    ActorSmtp.Protocol.Proxy.ProxyProtocolVersions? ProxyProtocol = null)
{
    public IPEndPoint EndPoint => new(Address, Port);

    public bool IsLoopback => IPAddress.IsLoopback(Address);
}
