using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.Sinks.Relay.Tests.Support;

/// <summary>A UDP port on 127.0.0.1 that takes queries and never answers: a resolver that times out.</summary>
internal sealed class SilentResolver : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>The dns.servers entry for the relay block.</summary>
    public string Server => $"\"{_socket.Client.LocalEndPoint}\"";

    public void Dispose() => _socket.Dispose();
}
