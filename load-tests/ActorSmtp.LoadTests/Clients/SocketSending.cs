using System.Net.Sockets;

namespace ActorSmtp.LoadTests.Clients;

internal static class SocketSending
{
    /// Socket.SendAsync may take only part of a buffer; loop until all of it is sent.
    public static async ValueTask SendAllAsync(this Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellation)
    {
        while (!bytes.IsEmpty)
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellation)..];
    }
}
