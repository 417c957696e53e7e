using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.TestSupport;

/// <summary>
/// A UDP port on 127.0.0.1 that takes datagrams and never answers: a DNS server that times out, for as long as
/// this lives. (A port nobody holds would answer "port unreachable" at once instead.)
/// </summary>
public sealed class SilentUdpPort : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    /// <summary>The quoted <c>dns.servers</c> entry, for a HOCON block.</summary>
    public string Server => $"\"{EndPoint}\"";

    public void Dispose() => _socket.Dispose();
}
