using System.Buffers;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>Messages of <see cref="SmtpConnectionActor"/>.</summary>
internal static class ConnectionProtocol
{
    /// <summary>Adopt an accepted socket and greet the client; <paramref name="Client"/>: its shared rate limits, if any.</summary>
    public sealed record Start(SocketTransport Transport, IClientRates? Client = null);

    /// <summary>The listener's verdict on the client a PROXY header named: admitted (with its rates, if limited) ...</summary>
    public sealed record Admitted(IClientRates? Client);

    /// <summary>... or refused with this 421.</summary>
    public sealed record Refused(SmtpReply Reply);

    /// <summary>The server is shutting down: close when idle, or after the transaction in progress.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>The shutdown grace is over: the transaction in progress is abandoned with 421 4.3.2.</summary>
    public sealed record GraceOver
    {
        public static readonly GraceOver Instance = new();
    }

    /// <summary>
    /// One read's bytes, still owned by the transport's pipe: valid until the actor calls
    /// <see cref="SocketTransport.Resume"/>. <paramref name="IsCompleted"/>: the client closed its side.
    /// </summary>
    public sealed record Received(ReadOnlySequence<byte> Buffer, bool IsCompleted);

    /// <summary>The TLS handshake succeeded (STARTTLS or implicit TLS); reads and writes are now encrypted.</summary>
    public sealed record TlsEstablished(TlsInfo Info);

    /// <summary>The read loop ended: the client went away, the socket failed or a TLS handshake failed.</summary>
    public sealed record TransportClosed(string Reason);

    /// <summary>The connection's deadline passed (sent by the listener's heartbeat).</summary>
    public sealed record DeadlineExpired
    {
        public static readonly DeadlineExpired Instance = new();
    }

    /// <summary>The verdict on AUTH credentials: the identity, or null when they were wrong.</summary>
    public sealed record AuthVerdict(string? Identity);

    /// <summary>The body stream has room again for the message with this id.</summary>
    public sealed record BodyWritable(string MessageId);
}
