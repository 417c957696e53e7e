using System.Buffers;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Authentication;
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
/// Each read arrives as one <see cref="ConnectionProtocol.Received"/> holding every byte the read
/// delivered, so pipelined commands cost one message and their replies leave in one write. The
/// actor works through the buffer until it is used up, then lets the transport read again. It
/// suspends, keeping the rest of the buffer, while the sink decides about a message or while the
/// body stream is full; the socket is not read meanwhile, which is the backpressure.
/// </para>
/// <para>
/// States: reading commands → (DATA) receiving the body → (end of data) awaiting the sink → reading
/// commands. With BDAT, each chunk's octets go into the same body, commands are read between chunks until
/// the LAST one, and a refused chunk's octets are dropped. Supervised by the listener with a stopping strategy: a failed connection is closed,
/// never restarted. Deadlines are checked by the listener's heartbeat, not by per-connection timers.
/// </para>
/// </summary>
internal sealed partial class SmtpConnectionActor(ConnectionSettings settings) : UntypedActor
{
    private enum Suspension
    {
        None,
        /// <summary>The body stream is full; waiting for the sink to take more.</summary>
        BodyRoom,
        /// <summary>End of data reached; waiting for the sink's result.</summary>
        SinkResult,
        /// <summary>AUTH credentials are being checked.</summary>
        Authenticating,
    }

    private readonly SmtpSession _session = new(settings.Session, secure: settings.ImplicitTls);
    private readonly CommandLineReader _lines = new();
    private readonly DataDecoder _decoder = new();
    private ChunkDecoder? _chunks; // made at the first BDAT: most sessions never send one, and idle ones stay small
    private IBodyDecoder _body = null!; // the decoder of the message being received: _decoder (DATA) or _chunks (BDAT)
    private SocketTransport _transport = null!;
    private ReadOnlySequence<byte> _pending;
    private bool _clientDone;
    private bool _closing;
    private bool _upgrading;
    private TlsInfo? _tls;
    private Suspension _suspension;
    private IncomingMessage? _message;
    private Telemetry.SessionTelemetry? _telemetry;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Received received when !_closing:
                if (_opening != Opening.None)
                {
                    OnOpeningReceived(received);
                    break;
                }
                _transport.ClearDeadline();
                _pending = received.Buffer;
                _clientDone = received.IsCompleted;
                Process();
                break;
            case SinkProtocol.Result result:
                OnSinkResult(result);
                break;
            case ConnectionProtocol.BodyWritable writable:
                OnBodyWritable(writable);
                break;
            case ConnectionProtocol.DeadlineExpired:
                OnDeadline();
                break;
            case ConnectionProtocol.AuthVerdict verdict:
                OnAuthVerdict(verdict.Identity);
                break;
            case ConnectionProtocol.TlsEstablished established:
                OnTlsEstablished(established.Info);
                break;
            case ConnectionProtocol.Start start:
                Open(start);
                break;
            case ConnectionProtocol.Admitted or ConnectionProtocol.Refused:
                OnAdmission(message);
                break;
            case ConnectionProtocol.Drain:
                OnDrain();
                break;
            case ConnectionProtocol.GraceOver:
                OnGraceOver();
                break;
            case ConnectionProtocol.TransportClosed:
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.ConnectionClosed, "The connection closed before the end of data."));
        _transport?.Dispose();
        _telemetry?.End(_session, _tls);
    }

    /// <summary>Works through the held buffer until it is used up, the session closes, or it must wait.</summary>
    private void Process()
    {
        var reader = new SequenceReader<byte>(_pending);
        var more = true;
        // Draining: once no transaction is open, no new one starts (pipelined commands behind it get the 421).
        while (more && _suspension == Suspension.None && !_closing && !_upgrading && !(_draining && IdleForDrain))
            more = _skip > 0 ? SkipChunk(ref reader)
                : _session.State == SessionState.ReceivingData ? ProcessData(ref reader)
                : ProcessCommand(ref reader);

        if (_closing)
        {
            _transport.CloseAfterReplies(settings.CommandTimeout);
            return;
        }
        if (_upgrading)
        {
            // RFC 3207 / CVE-2011-0411: the rest of this buffer is plaintext sent before TLS; it is dropped.
            _transport.SetDeadline(settings.Tls!.HandshakeTimeout);
            _transport.StartTls(_pending.End, settings.Tls);
            return;
        }
        _pending = _pending.Slice(reader.Position);
        if (_suspension != Suspension.None)
            return;
        if (_clientDone)
        {
            LoseClient();
            return;
        }
        if (_draining && IdleForDrain)
        {
            ShutDown(); // the transaction that kept the session open at shutdown is over
            return;
        }
        if (_skip > 0 || _session.State == SessionState.ReceivingData)
            SetDataDeadline();
        else
            SetCommandDeadline();
        _transport.Resume(reader.Position, _pending.End);
    }

    private bool ProcessCommand(ref SequenceReader<byte> reader)
    {
        var status = _lines.TryRead(ref reader, out var line);
        if (status == LineStatus.NeedMore)
            return false;
        _telemetry?.Command(status, line, _session.InAuthExchange);

        _lineStarted = 0;
        var step = status == LineStatus.Line ? Execute(line) : _session.Reject(status);
        _lines.InAuthExchange = _session.InAuthExchange;
        if (step.Reply is not null)
            Reply(step.Reply);
        if (step.Action == SessionAction.BeginData)
            BeginData();
        else if (step.Action == SessionAction.BeginChunk)
            BeginChunk(step.Chunk);
        else if (step.Action == SessionAction.SkipChunk)
            BeginSkip(step.Chunk);
        else if (step.Action == SessionAction.StartTls)
            _upgrading = true;
        else if (step.Action == SessionAction.Authenticate)
            Authenticate(step.Credentials!);
        else if (step.Action == SessionAction.Close)
        {
            if (step.Farewell is not null)
                Reply(step.Farewell);
            _closing = true;
        }
        AbandonEndedMessage();
        return true;
    }

    private SessionStep Execute(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
            return _session.Execute(line.FirstSpan);
        Span<byte> contiguous = stackalloc byte[(int)line.Length]; // at most 512 octets: the reader caps lines
        line.CopyTo(contiguous);
        return _session.Execute(contiguous);
    }

    private void Reply(Protocol.Replies.SmtpReply reply)
    {
        _transport.Reply(reply.Bytes.Span);
        _telemetry?.Replied(reply);
    }

    private void OnDeadline()
    {
        if (_transport.Deadline > Environment.TickCount64)
            return; // refreshed since the heartbeat looked
        if (_closing || _transport.IsWriting || Handshaking)
        {
            // The client stopped reading our replies, or is mid-handshake: no 421 can reach it, so just cut.
            _message?.Fail(new MessageBodyException(BodyFailureCause.ClientTimeout, "The client stopped reading."));
            _transport.Dispose();
            return;
        }
        if (_opening != Opening.None)
        {
            OnOpeningDeadline();
            return;
        }
        if (_suspension != Suspension.None)
        {
            SinkTimedOut();
            return;
        }
        _message?.Fail(new MessageBodyException(BodyFailureCause.ClientTimeout, "DATA timed out."));
        Log.Info("Closing {0}: timeout in state {1}", _transport.RemoteEndPoint, _session.State);
        _session.Close();
        Reply(settings.Session.Replies.Timeout);
        Close();
    }

    /// <summary>The client closed its side: whatever transaction is open is abandoned (RFC 5321 §3.8).</summary>
    private void LoseClient()
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.ConnectionClosed, "The client closed the connection before the end of data."));
        _message = null;
        Close();
    }

    /// <summary>Asks the authenticator (which works off the I/O threads); a failure is answered late.</summary>
    private void Authenticate(Credentials credentials)
    {
        _suspension = Suspension.Authenticating;
        _transport.ClearDeadline();
        var request = new AuthenticatorProtocol.Authenticate(credentials.UserName, credentials.Password, _transport.RemoteEndPoint);
        VerdictAsync(settings.Authenticator!, request, settings.AuthFailureDelay, settings.SinkTimeout)
            .PipeTo(Self, success: identity => new ConnectionProtocol.AuthVerdict(identity),
                failure: _ => new ConnectionProtocol.AuthVerdict(null));
    }

    private static async Task<string?> VerdictAsync(
        IActorRef authenticator, AuthenticatorProtocol.Authenticate request, TimeSpan failureDelay, TimeSpan timeout)
    {
        string? identity = null;
        try
        {
            if (await authenticator.Ask<object>(request, timeout).ConfigureAwait(false) is AuthenticatorProtocol.Authenticated ok)
                identity = ok.Identity;
        }
        catch (AskTimeoutException)
        {
            // No answer counts as a failure.
        }
        if (identity is null)
            await Task.Delay(failureDelay).ConfigureAwait(false); // RFC 4954 §4 advice: slow down password guessing
        return identity;
    }

    private void OnAuthVerdict(string? identity)
    {
        if (_suspension != Suspension.Authenticating)
            return;
        _telemetry?.AuthVerdict(identity);
        _suspension = Suspension.None;
        var step = _session.AuthenticationCompleted(identity);
        Reply(step.Reply!);
        if (step.Action == SessionAction.Close)
        {
            Log.Warning("Closing {0}: too many failed AUTH attempts", _transport.RemoteEndPoint);
            Reply(step.Farewell!);
            _closing = true;
        }
        Process();
    }

    /// <summary>Mid-handshake, no SMTP reply can be written: a deadline then just ends the connection.</summary>
    private bool Handshaking => _upgrading || (settings.ImplicitTls && _tls is null);

    private void OnTlsEstablished(TlsInfo info)
    {
        _tls = info;
        if (_upgrading)
        {
            _upgrading = false;
            _session.TlsEstablished();
            _lines.Reset();
        }
        if (settings.ImplicitTls && settings.Proxy is not null)
        {
            Greet(starting: false); // behind a proxy the greeting waited for the handshake that followed the PROXY header
            return;
        }
        _transport.SetDeadline(_opening == Opening.GreetingDelay ? settings.Limits.GreetingDelay : settings.CommandTimeout);
    }

    private void Close()
    {
        _closing = true;
        _transport.CloseAfterReplies(settings.CommandTimeout);
    }

    private ILoggingAdapter Log => _log ??= Context.GetLogger();
    private ILoggingAdapter? _log;
}
