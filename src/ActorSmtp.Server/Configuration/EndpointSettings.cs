using System.Net;

namespace ActorSmtp.Server.Configuration;

/// <summary>One listening address. Port 0 asks the OS for an ephemeral port.</summary>
public sealed record EndpointSettings(IPAddress Address, int Port, int Backlog = 1024)
{
    public IPEndPoint EndPoint => new(Address, Port);

    public bool IsLoopback => IPAddress.IsLoopback(Address);
}
