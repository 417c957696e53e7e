using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Waiting for the sink: for room in a full body stream (AwaitingBodyRoom, the backpressure that stops socket
/// reads), or for its answer after the end of data (AwaitingSinkResult), which becomes the 250/4xx/5xx reply.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>AwaitingBodyRoom: the body stream is full; the socket is not read until the sink takes more.</summary>
    private void OnAwaitingBodyRoom(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.BodyWritable writable:
                if (_message?.Id == writable.MessageId)
                    ResumeBody();
                break;
            case SinkProtocol.Result result when _message?.Id == result.MessageId:
                _message.AnswerEarly(result);
                ResumeBody(); // the rest of the body is read and dropped
                break;
            case ConnectionProtocol.DeadlineExpired:
                if (DeadlinePassed())
                {
                    _message!.AnswerEarly(SinkTimeout(), BodyFailureCause.SinkTimeout);
                    ResumeBody();
                }
                break;
            default:
                ElseFinishWithinGrace(message);
                break;
        }
    }

    /// <summary>
    /// AwaitingSinkResult: the whole message is with the sink. Its answer is the reply; the shutdown grace waits for
    /// it (the listener cuts what is left at the end).
    /// </summary>
    private void OnAwaitingSinkResult(object message)
    {
        switch (message)
        {
            case SinkProtocol.Result result:
                if (_message?.Id == result.MessageId) // else a late answer for a message already answered (timeout)
                    OnSinkResult(result);
                break;
            case ConnectionProtocol.DeadlineExpired:
                if (DeadlinePassed())
                {
                    var failure = SinkTimeout();
                    _message!.Fail(new MessageBodyException(BodyFailureCause.SinkTimeout, "The sink did not answer in time."));
                    OnSinkResult(failure);
                }
                break;
            default:
                ElseAwaitAnswerPastGrace(message);
                break;
        }
    }

    private void OnSinkResult(SinkProtocol.Result result)
    {
        if (result is SinkProtocol.Stored)
        {
            if (settings.Faults is null || !AfterStored(result.MessageId))
                FinishQueued(result.MessageId);
        }
        else
            Finish(ReplyFor(result), delivered: false);
        Process();
    }

    /// <summary>The sink's answer for the message received in other phases (before the end of data): the rest is dropped.</summary>
    private void AnswerEarly(SinkProtocol.Result result)
    {
        if (_message?.Id == result.MessageId)
            _message.AnswerEarly(result);
    }

    private SinkProtocol.TemporaryFailure SinkTimeout()
    {
        Log.Warning("Sink did not answer for message {0} within {1}", _message!.Id, settings.SinkTimeout);
        return new SinkProtocol.TemporaryFailure(_message.Id, "sink timeout");
    }

    private bool WaitForRoom(IncomingMessage message)
    {
        Become(AwaitingBodyRoom);
        _pausedAt = Environment.TickCount64;
        _transport.SetDeadline(settings.SinkTimeout); // a sink that stops reading must not hold the client forever
        var id = message.Id;
        message.WaitForRoom().AsTask().PipeTo(Self, success: _ => new ConnectionProtocol.BodyWritable(id),
            failure: _ => new ConnectionProtocol.BodyWritable(id));
        return false;
    }

    private void ResumeBody()
    {
        Become(ReceivingBody);
        _dataStarted += Environment.TickCount64 - _pausedAt; // our sink's slowness is not the client's
        Process();
    }

    private bool Finish(SmtpReply reply, bool delivered)
    {
        Reply(reply);
        _telemetry?.MessageFinished(reply.Code, _body.Size);
        _session.CompleteData(delivered);
        _message = null;
        if (_faults is not null)
            _faults.Injected = null; // they were this message's
        ReadCommands();
        return true;
    }

    /// <summary>"250 2.0.0 Ok: queued as ID", written without building a reply object: it is the hot path.</summary>
    private void FinishQueued(string messageId)
    {
        Span<byte> reply = stackalloc byte[QueuedPrefix.Length + messageId.Length + 2];
        QueuedPrefix.CopyTo(reply);
        var idLength = System.Text.Encoding.ASCII.GetBytes(messageId, reply[QueuedPrefix.Length..]);
        "\r\n"u8.CopyTo(reply[(QueuedPrefix.Length + idLength)..]);
        _transport.Reply(reply[..(QueuedPrefix.Length + idLength + 2)]);
        _telemetry?.Queued(reply[..(QueuedPrefix.Length + idLength + 2)], _body.Size);
        _session.CompleteData(delivered: true);
        _message = null;
        if (_faults is not null)
            _faults.Injected = null; // they were this message's
        ReadCommands();
    }

    private static ReadOnlySpan<byte> QueuedPrefix => "250 2.0.0 Ok: queued as "u8;

    private void SendToSink(SinkProtocol.Store store) => settings.Sink.Tell(store, Self);

    /// <summary>
    /// The client's reply for a sink result other than a timely Stored (see <see cref="FinishQueued"/>).
    /// A Stored that came before the end of data cannot be true: it becomes a 451 like any other doubt.
    /// </summary>
    private static SmtpReply ReplyFor(SinkProtocol.Result result) => result switch
    {
        SinkProtocol.PermanentFailure p when p.Code is >= 500 and <= 599 =>
            SmtpReply.Create(p.Code, ValidEnhanced(p.EnhancedCode, '5', "5.7.1"), Printable(p.Text)),
        SinkProtocol.TemporaryFailure t when t.Code is >= 400 and <= 499 && t.ReplyText is not null =>
            SmtpReply.Create(t.Code, ValidEnhanced(t.EnhancedCode, '4', "4.3.0"), Printable(t.ReplyText)),
        // A failure of the sink's own with its code (the relay's 451 4.4.1, upstream unreachable): the code says what
        // happened, the reason stays in the log, as for any sink failure.
        SinkProtocol.TemporaryFailure { ReplyText: null, Code: >= 400 and <= 499 } t when (t.Code, t.EnhancedCode) != (451, "4.3.0") =>
            SmtpReply.Create(t.Code, ValidEnhanced(t.EnhancedCode, '4', "4.3.0"), "Temporary failure, try again later"),
        _ => StandardReplies.StorageUnavailable,
    };

    private static string ValidEnhanced(string code, char cls, string fallback) =>
        code.Length >= 5 && code[0] == cls && code[1] == '.' ? code : fallback;

    // Sink texts end up on the wire: keep them to one line of printable characters.
    private static string Printable(string text) =>
        string.Create(Math.Min(text.Length, 400), text, static (span, t) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = char.IsControl(t[i]) ? ' ' : t[i];
        });
}
