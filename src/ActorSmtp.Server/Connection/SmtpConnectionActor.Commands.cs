using System.Buffers;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Authentication;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The Commands phase: command lines executed through the <see cref="SmtpSession"/>, each reply queued for the
/// next write, until a command starts another phase (DATA/BDAT, STARTTLS, AUTH, QUIT). A refused BDAT chunk's
/// octets are dropped here, never taken for commands. Also the Authenticating phase AUTH leads to.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>Commands, and Draining (which stops reading once no transaction is open).</summary>
    private void OnCommands(object message)
    {
        if (OnInput(message))
            return;
        if (message is ConnectionProtocol.Drain)
            OnDrain();
        else if (message is ConnectionProtocol.GraceOver)
            OnGraceOver();
        else
            OnAnyPhase(message);
    }

    /// <summary>What the phases that read input (Commands, Draining, ReceivingBody) answer alike: a read, and its deadline.</summary>
    private bool OnInput(object message)
    {
        if (message is TransportProtocol.Received received)
            OnReceived(received); // the hot path: first and only test per read
        else if (message is ConnectionProtocol.DeadlineExpired)
            OnInputDeadline();
        else
            return false;
        return true;
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
        if (settings.Faults is not null && step.Action is SessionAction.StartTls or SessionAction.BeginData or SessionAction.BeginChunk
            && CommandFault(step))
        {
            AbandonEndedMessage();
            return true;
        }
        if (step.Reply is not null)
            Reply(step.Reply);
        if (step.Action == SessionAction.BeginData)
            BeginData();
        else if (step.Action == SessionAction.BeginChunk)
            BeginChunk(step.Chunk);
        else if (step.Action == SessionAction.SkipChunk)
            BeginSkip(step.Chunk);
        else if (step.Action == SessionAction.StartTls)
            Become(UpgradingTls);
        else if (step.Action == SessionAction.Authenticate)
            Authenticate(step.Credentials!);
        else if (step.Action == SessionAction.CheckPolicy)
            CheckPending(); // or, when no policy is asked about this one, its reply now
        else if (step.Action == SessionAction.Close)
        {
            if (step.Farewell is not null)
                Reply(step.Farewell);
            Become(Closing); // the replies are written and the socket closed once the loop stops
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

    /// <summary>A refused BDAT still has its octets coming (RFC 3030: they are sent without waiting for the reply): they are read and dropped.</summary>
    private void BeginSkip(BdatChunk chunk)
    {
        if (chunk.Size == 0)
            return;
        _skip = chunk.Size;
        StartDataPhase();
    }

    /// <summary>Drops a refused chunk's octets; false when it must wait for more input.</summary>
    private bool SkipChunk(ref SequenceReader<byte> reader)
    {
        var take = Math.Min(_skip, reader.Remaining);
        reader.Advance(take);
        _skip -= take;
        _skipped += take;
        return _skip == 0;
    }

    /// <summary>Back to reading commands: Commands, or Draining once the server asked to shut down.</summary>
    private void ReadCommands() => Become(_draining ? Draining : Commands);

    /// <summary>
    /// Idle: command-timeout from now. Inside a line: command-timeout from its first byte, however slowly
    /// the rest trickles in (Postfix smtpd_per_request_deadline; slowloris).
    /// </summary>
    private void SetCommandDeadline()
    {
        var now = Environment.TickCount64;
        if (_pending.IsEmpty && !_lines.IsDiscarding)
        {
            _lineStarted = 0;
            _transport.SetDeadlineAt(now + (long)settings.CommandTimeout.TotalMilliseconds);
            return;
        }
        if (_lineStarted == 0)
            _lineStarted = now;
        _transport.SetDeadlineAt(_lineStarted + (long)settings.CommandTimeout.TotalMilliseconds);
    }

    /// <summary>Commands, ReceivingBody, Draining: the client took too long with a command or the body.</summary>
    private void OnInputDeadline()
    {
        if (!DeadlinePassed())
            return;
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

    /// <summary>Authenticating: the socket is not read until the authenticator's verdict; the shutdown grace waits for it.</summary>
    private void OnAuthenticating(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.AuthVerdict verdict:
                OnAuthVerdict(verdict.Identity);
                break;
            case ConnectionProtocol.DeadlineExpired:
                DeadlinePassed(); // none is set while the authenticator decides (the ask has its own timeout)
                break;
            default:
                ElseAwaitAnswerPastGrace(message);
                break;
        }
    }

    /// <summary>Asks the authenticator (which works off the I/O threads); a failure is answered late.</summary>
    private void Authenticate(Credentials credentials)
    {
        if (settings.Faults is null || !AuthFault(credentials))
            AskAuthenticator(credentials);
    }

    private void AskAuthenticator(Credentials credentials)
    {
        Become(Authenticating);
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
        _telemetry?.AuthVerdict(identity);
        var step = _session.AuthenticationCompleted(identity);
        if (step.Action == SessionAction.Close)
            Log.Warning("Closing {0}: too many failed AUTH attempts", _transport.RemoteEndPoint);
        ResumeCommands(step);
    }

    /// <summary>After a decision made outside the session (AUTH, a policy): its reply, then commands again or the close.</summary>
    private void ResumeCommands(SessionStep step)
    {
        Reply(step.Reply!);
        if (step.Action == SessionAction.Close)
        {
            if (step.Farewell is not null)
                Reply(step.Farewell);
            Close();
            return;
        }
        ReadCommands();
        Process();
    }
}
