using System.Buffers;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Transport;

/// <summary>What <see cref="SocketTransport"/> tells the actor that owns it (the Akka.IO <c>Tcp.Received</c> shape).</summary>
internal static class TransportProtocol
{
    /// <summary>
    /// One read's bytes, still owned by the transport's pipe: valid until the owner calls
    /// <see cref="SocketTransport.Resume"/>. <paramref name="IsCompleted"/>: the client closed its side.
    /// </summary>
    public sealed record Received(ReadOnlySequence<byte> Buffer, bool IsCompleted);

    /// <summary>The TLS handshake succeeded (STARTTLS or implicit TLS); reads and writes are now encrypted.</summary>
    public sealed record TlsEstablished(TlsInfo Info);

    /// <summary>The read loop ended: the client went away, the socket failed or a TLS handshake failed.</summary>
    public sealed record Closed(string Reason);
}
