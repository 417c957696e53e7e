using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Shutdown and the end of the session. Drain: an idle session closes now with 421 4.3.2; one in a transaction
/// goes on (Draining: Commands' handlers, but reading stops once no transaction is open) and closes when it is
/// over. Closing: the last replies are being written; the transport's Closed stops the actor.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>The opening phases and the implicit handshake: shutdown closes them at once (no transaction can be lost).</summary>
    private void ElseCloseOnShutdown(object message)
    {
        if (message is ConnectionProtocol.Drain or ConnectionProtocol.GraceOver)
            ShutDown();
        else
            OnAnyPhase(message);
    }

    /// <summary>
    /// ReceivingBody, AwaitingBodyRoom, UpgradingTls: the transaction (or handshake) may finish within the grace, and
    /// the session closes after it; when the grace is over first, it is abandoned.
    /// </summary>
    private void ElseFinishWithinGrace(object message)
    {
        if (message is ConnectionProtocol.Drain)
            _draining = true;
        else if (message is ConnectionProtocol.GraceOver)
            OnGraceOver();
        else
            OnAnyPhase(message);
    }

    /// <summary>Authenticating, AwaitingSinkResult: the answer is awaited even past the grace (the listener cuts what is left).</summary>
    private void ElseAwaitAnswerPastGrace(object message)
    {
        if (message is ConnectionProtocol.Drain)
            _draining = true;
        else if (message is not ConnectionProtocol.GraceOver)
            OnAnyPhase(message);
    }

    /// <summary>Commands, Draining: close now when idle, else once the transaction in progress is over.</summary>
    private void OnDrain()
    {
        _draining = true;
        if (SessionIdle)
            ShutDown();
        else
            Become(Draining);
    }

    /// <summary>
    /// The grace is over: a transaction still coming in is abandoned with 421 4.3.2 (RFC 5321 §3.8: the client
    /// keeps the message and retries), so nothing of it is stored. A session whose whole message is with the sink
    /// (or that waits on the authenticator) keeps waiting for its answer until the listener cuts what is left.
    /// </summary>
    private void OnGraceOver()
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.ConnectionClosed, "The server shut down before the end of data."));
        ShutDown();
    }

    private void ShutDown()
    {
        _session.Close();
        if (Handshaking || _transport.IsWriting)
        {
            Abort(); // no reply can be written now
            return;
        }
        Reply(settings.Session.Replies.ShuttingDown);
        Close();
    }

    /// <summary>Closing: nothing more is read or answered.</summary>
    private void OnClosing(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.DeadlineExpired:
                CutOffIfExpired(); // the client does not read our last replies
                break;
            case TransportProtocol.Received or ConnectionProtocol.Drain or ConnectionProtocol.GraceOver:
                break;
            default:
                OnAnyPhase(message);
                break;
        }
    }

    /// <summary>Writes the queued replies, then closes the connection.</summary>
    private void Close()
    {
        Become(Closing);
        _transport.CloseAfterReplies(settings.CommandTimeout);
    }

    /// <summary>Ends the connection without a word; the read loop then reports it closed and the actor stops.</summary>
    private void Abort()
    {
        Become(Closing);
        _transport.Dispose();
    }

    /// <summary>No reply can reach the client (it stopped reading, or is mid-handshake): just cut.</summary>
    private void CutOff()
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.ClientTimeout, "The client stopped reading."));
        Abort();
    }

    private void CutOffIfExpired()
    {
        if (_transport.Deadline <= Environment.TickCount64)
            CutOff();
    }
}
