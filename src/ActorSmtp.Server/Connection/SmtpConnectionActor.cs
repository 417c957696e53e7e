using System.Buffers;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Data;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// One SMTP session: owns the client's socket (through <see cref="SocketTransport"/>) and the
/// <see cref="SmtpSession"/> state machine, and hands each finished message to the sink.
/// <para>
/// Each read arrives as one <see cref="TransportProtocol.Received"/> holding every byte the read
/// delivered, so pipelined commands cost one message and their replies leave in one write. The
/// actor works through the buffer until it is used up, then lets the transport read again. It
/// suspends, keeping the rest of the buffer, while the sink decides about a message or while the
/// body stream is full; the socket is not read meanwhile, which is the backpressure.
/// </para>
/// <para>
/// Phases, each a named behaviour (<see cref="Become"/>) whose handlers live in the file named first:
/// <code>
/// Opening.cs     Starting → [AwaitingProxyHeader → AwaitingAdmission] → [ImplicitTlsHandshake] → [CheckingConnect] → [DelayingGreeting] → Commands;
///                a byte before the greeting (early talker): 554 → Closing; a refused client: 421 → Closing
/// SenderChecks.cs  (actorsmtp.authentication, dnsbl on) [CheckingClient] before CheckingConnect → the greeting | Closing (the zone's 554);
///                Commands → CheckingSender (MAIL, SPF) → its policies | Commands (550 5.7.23);
///                ReceivingBody → VerifyingMessage (end of data: DKIM, DMARC, ARC) → AwaitingSinkResult | Commands (550 5.7.1)
/// Policy.cs      CheckingConnect → the greeting | Closing (554, 421);  Commands → CheckingPolicy (HELO, MAIL, RCPT) → Commands
/// Commands.cs    Commands → ReceivingBody (DATA, BDAT) | UpgradingTls (STARTTLS) | Authenticating (AUTH) | Closing (QUIT, 421);
///                Authenticating → Commands (the verdict's reply) | Closing (too many failures)
/// Body.cs        ReceivingBody → AwaitingSinkResult (end of data) | AwaitingBodyRoom (stream full) | Commands (refused, a BDAT chunk before the last)
/// SinkWait.cs    AwaitingBodyRoom → ReceivingBody;  AwaitingSinkResult → Commands (250, 4xx, 5xx)
/// TlsUpgrade.cs  ImplicitTlsHandshake → DelayingGreeting | Commands;  UpgradingTls → Commands (RFC 3207: EHLO again)
/// Faults.cs      (actorsmtp.faults on) any stage → PausedByFault (a stall or delay) → back where it was | Closing (disconnect, reset);
///                AwaitingSinkResult → Closing (stored, then dropped: the lost acknowledgement)
/// Draining.cs    Drain: a session between transactions (or not greeted yet) closes at once with 421 4.3.2; Commands in a
///                transaction → Draining, and every phase that would return to Commands returns to Draining instead;
///                Draining → Closing once no transaction is open. Closing: the last replies go out; Closed stops the actor.
/// </code>
/// A phase ignores what is not its business (a late sink answer, a verdict for a phase already left).
/// </para>
/// <para>
/// <see cref="Become"/> is our own, not Akka's <c>Context.Become</c>: each phase is one static
/// <see cref="Phase"/> shared by every connection, so a switch costs one field write and a connection holds no
/// delegate of its own. Akka's would wrap an UntypedReceive in a new closure per call, and its first use moves
/// the actor cell to a full state with its own collections: with six behaviours cached in fields an actor kept
/// 0.84 KB more (2.78 against 1.94 KB each, 20 000 watched actors, Akka.NET 1.5.73), against ~3–4 KB per idle
/// connection in load-tests/BENCHMARKS.md. Per message both cost the same: one delegate call.
/// </para>
/// <para>
/// Supervised by the listener with a stopping strategy: a failed connection is closed, never restarted.
/// Deadlines are checked by the listener's heartbeat, not by per-connection timers.
/// </para>
/// </summary>
internal sealed partial class SmtpConnectionActor(ConnectionSettings settings) : UntypedActor
{
    /// <summary>A named behaviour: how the actor answers messages in one phase.</summary>
    /// <param name="readsInput">The phase works through the read buffer (<see cref="Process"/> runs in it).</param>
    private sealed class Phase(string name, Action<SmtpConnectionActor, object> receive, bool readsInput = false)
    {
        public readonly Action<SmtpConnectionActor, object> Receive = receive;
        public readonly bool ReadsInput = readsInput;

        public override string ToString() => name;
    }

    // The behaviours, one instance each for all connections (handlers in the file named in the design comment).
    private static readonly Phase Starting = new("starting", static (actor, message) => actor.OnStarting(message));
    private static readonly Phase AwaitingProxyHeader = new("awaiting the PROXY header", static (actor, message) => actor.OnAwaitingProxyHeader(message));
    private static readonly Phase AwaitingAdmission = new("awaiting admission", static (actor, message) => actor.OnAwaitingAdmission(message));
    private static readonly Phase DelayingGreeting = new("delaying the greeting", static (actor, message) => actor.OnDelayingGreeting(message));
    private static readonly Phase ImplicitTlsHandshake = new("implicit TLS handshake", static (actor, message) => actor.OnImplicitTlsHandshake(message));
    private static readonly Phase Commands = new("commands", static (actor, message) => actor.OnCommands(message), readsInput: true);
    private static readonly Phase Authenticating = new("authenticating", static (actor, message) => actor.OnAuthenticating(message));
    private static readonly Phase CheckingConnect = new("checking the client", static (actor, message) => actor.OnCheckingConnect(message));
    private static readonly Phase CheckingPolicy = new("checking a policy", static (actor, message) => actor.OnCheckingPolicy(message));
    private static readonly Phase CheckingClient = new("checking the blocklists", static (actor, message) => actor.OnCheckingClient(message));
    private static readonly Phase CheckingSender = new("checking SPF", static (actor, message) => actor.OnCheckingSender(message));
    private static readonly Phase VerifyingMessage = new("verifying DKIM, DMARC, ARC", static (actor, message) => actor.OnVerifyingMessage(message));
    private static readonly Phase ReceivingBody = new("receiving a body", static (actor, message) => actor.OnReceivingBody(message), readsInput: true);
    private static readonly Phase AwaitingBodyRoom = new("awaiting body room", static (actor, message) => actor.OnAwaitingBodyRoom(message));
    private static readonly Phase AwaitingSinkResult = new("awaiting the sink", static (actor, message) => actor.OnAwaitingSinkResult(message));
    private static readonly Phase UpgradingTls = new("upgrading to TLS", static (actor, message) => actor.OnUpgradingTls(message));
    // Draining answers as Commands does; Process stops reading in it once no transaction is open (Draining.cs).
    private static readonly Phase Draining = new("draining", static (actor, message) => actor.OnCommands(message), readsInput: true);
    private static readonly Phase PausedByFault = new("held by an injected fault", static (actor, message) => actor.OnPausedByFault(message));
    private static readonly Phase Closing = new("closing", static (actor, message) => actor.OnClosing(message));

    // Every phase
    private Phase _phase = Starting;
    private readonly SmtpSession _session = new(settings.Session, secure: settings.ImplicitTls);
    private SocketTransport _transport = null!; // set by Start
    private Telemetry.SessionTelemetry? _telemetry; // once the client's address is known for good (Opening)
    private TlsInfo? _tls; // set by ImplicitTlsHandshake or UpgradingTls
    private ILoggingAdapter? _log;

    // Opening
    private SequencePosition _tlsStart; // implicit TLS behind a proxy: where the ClientHello starts, after the PROXY header

    // Commands, ReceivingBody and Draining: the read buffer they work through (UpgradingTls drops what is left of it)
    private ReadOnlySequence<byte> _pending;
    private bool _clientDone; // the client closed its side after the bytes in _pending

    // Commands (and Draining)
    private readonly CommandLineReader _lines = new();
    private long _lineStarted; // Environment.TickCount64 when the incomplete line's first byte came; 0: none
    private long _skip; // octets of a refused BDAT chunk still to drop
    private long _skipped; // octets of it dropped so far: the data deadline's minimum rate counts them

    // ReceivingBody; the message lives on through AwaitingBodyRoom, AwaitingSinkResult and between BDAT chunks
    private readonly DataDecoder _decoder = new();
    private ChunkDecoder? _chunks; // made at the first BDAT: most sessions never send one, and idle ones stay small
    private IBodyDecoder _body = null!; // the decoder of the message being received: _decoder (DATA) or _chunks (BDAT)
    private IncomingMessage? _message;
    private bool _moreChunks; // the chunk being read is not the LAST one
    private long _dataStarted; // Environment.TickCount64 at DATA or BDAT, moved on by the time the sink held us back
    private long _phaseStartSize; // message octets before this BDAT chunk: each chunk is held to the rate on its own

    // AwaitingBodyRoom
    private long _pausedAt;

    // Draining
    private bool _draining; // the server asked to shut down: phases that return to Commands return to Draining

    protected override void OnReceive(object message) => _phase.Receive(this, message);

    /// <summary>Switches to <paramref name="phase"/>: its handler answers every message from now on.</summary>
    private void Become(Phase phase) => _phase = phase;

    /// <summary>What every phase answers alike, after its own cases.</summary>
    private void OnAnyPhase(object message)
    {
        switch (message)
        {
            case TransportProtocol.Closed:
                Context.Stop(Self);
                break;
            case SinkProtocol.Result result:
                AnswerEarly(result);
                break;
            case TransportProtocol.TlsEstablished established:
                _tls = established.Info;
                break;
            case ConnectionProtocol.BodyWritable or ConnectionProtocol.AuthVerdict or ConnectionProtocol.Admitted or ConnectionProtocol.Refused
                or ActorSmtp.Policies.PolicyProtocol.Answer or ConnectionProtocol.PolicyTimedOut or ConnectionProtocol.FaultPauseOver
                or SenderAuthentication.ClientChecked or SenderAuthentication.SenderChecked or SenderAuthentication.MessageVerified:
                break; // an answer for a phase already left
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.ConnectionClosed, "The connection closed before the end of data."));
        _checkTimer?.Cancel();
        _faults?.PauseTimer?.Cancel();
        _transport?.Dispose();
        _telemetry?.End(_session, _tls);
    }

    /// <summary>A read's bytes, in a phase that reads input: worked through now.</summary>
    private void OnReceived(TransportProtocol.Received received)
    {
        _transport.ClearDeadline();
        _pending = received.Buffer;
        _clientDone = received.IsCompleted;
        Process();
    }

    /// <summary>Works through the held buffer until it is used up, the session closes, or it must wait.</summary>
    private void Process()
    {
        var reader = new SequenceReader<byte>(_pending);
        var more = true;
        while (more && ReadsInput)
            more = _skip > 0 ? SkipChunk(ref reader)
                : _phase == ReceivingBody ? ProcessData(ref reader)
                : ProcessCommand(ref reader);

        if (_phase == Closing)
        {
            _transport.CloseAfterReplies(settings.CommandTimeout);
            return;
        }
        if (_phase == UpgradingTls)
        {
            StartTls();
            return;
        }
        _pending = _pending.Slice(reader.Position);
        if (!_phase.ReadsInput)
            return; // waiting for the sink or the authenticator, with the rest of the buffer held
        if (_clientDone)
        {
            LoseClient();
            return;
        }
        if (_phase == Draining && SessionIdle)
        {
            ShutDown(); // the transaction that kept the session open at shutdown is over
            return;
        }
        if (_skip > 0 || _phase == ReceivingBody)
            SetDataDeadline();
        else
            SetCommandDeadline();
        _transport.Resume(reader.Position, _pending.End);
    }

    /// <summary>Draining: once no transaction is open, no new one starts (pipelined commands behind it get the 421).</summary>
    private bool ReadsInput => _phase.ReadsInput && !(_phase == Draining && SessionIdle);

    private bool SessionIdle => _session.State is SessionState.Connected or SessionState.Ready;

    private void Reply(Protocol.Replies.SmtpReply reply)
    {
        _transport.Reply(reply.Bytes.Span);
        _telemetry?.Replied(reply);
    }

    /// <summary>
    /// The heartbeat found the deadline over: false when it moved on since, or when the client stopped reading
    /// our replies (no reply can reach it, so the connection is cut).
    /// </summary>
    private bool DeadlinePassed()
    {
        if (_transport.Deadline > Environment.TickCount64)
            return false; // refreshed since the heartbeat looked
        if (!_transport.IsWriting)
            return true;
        CutOff();
        return false;
    }

    private ILoggingAdapter Log => _log ??= Context.GetLogger();
}
