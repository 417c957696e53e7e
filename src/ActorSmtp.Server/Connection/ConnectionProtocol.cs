using System.Net;
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

    /// <summary>
    /// Told to the parent (the listener) when a PROXY header named the real client: its per-client limits
    /// decide now, answered with <see cref="Admitted"/> or <see cref="Refused"/>. An event of the connection's
    /// own, so the connection names nothing of the listener's.
    /// </summary>
    public sealed record ClientIdentified(IPAddress Address);

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

    /// <summary>The connection's deadline passed (sent by the listener's heartbeat).</summary>
    public sealed record DeadlineExpired
    {
        public static readonly DeadlineExpired Instance = new();
    }

    /// <summary>The verdict on AUTH credentials: the identity, or null when they were wrong.</summary>
    public sealed record AuthVerdict(string? Identity);

    /// <summary>The policy asked with check <paramref name="CheckId"/> did not answer within its timeout.</summary>
    public sealed record PolicyTimedOut(long CheckId);

    /// <summary>The pause <paramref name="Id"/> of an injected fault (a stall or a delay) is over.</summary>
    public sealed record FaultPauseOver(long Id);

    /// <summary>The body stream has room again for the message with this id.</summary>
    public sealed record BodyWritable(string MessageId);
}
