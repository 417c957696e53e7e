using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.TestSupport;

/// <summary>A loopback port held by a listener for as long as this lives: what a server started on it must refuse.</summary>
public sealed class PortInUse : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public PortInUse() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Stop();
}
