using System.Buffers;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Protocol.Data;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>The body phase: decoding DATA or BDAT chunks, streaming them to the sink, and turning the sink's answer into the reply.</summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>RFC 5321 §4.5.3.1.6: 1000 octets including CR LF.</summary>
    private const int MaxDataLineLength = 998;

    private void BeginData()
    {
        _decoder.Reset();
        BeginMessage(_decoder);
        StartDataPhase();
    }

    /// <summary>A new message body, fed by <paramref name="body"/>: DATA and BDAT share everything from here on.</summary>
    private void BeginMessage(IBodyDecoder body)
    {
        _body = body;
        _message = new IncomingMessage(MessageIds.Next(), DateTimeOffset.UtcNow, settings.Limits.MaxHeaderSize);
    }

    /// <summary>Decodes body bytes from <paramref name="reader"/>; false when it must wait (more input, sink, room).</summary>
    private bool ProcessData(ref SequenceReader<byte> reader)
    {
        var message = _message!;
        while (!_body.IsComplete)
        {
            if (message.IsBlocked && !message.RetryBlocked())
                return WaitForRoom(message);
            if (reader.End)
                return false;

            var input = reader.UnreadSpan;
            var output = message.OutputSpace(input.Length);
            var take = Math.Min(input.Length, output.Length - 1);
            _body.Decode(input[..take], output, out var consumed, out var written);
            reader.Advance(consumed);
            if (!message.IsDiscarding && _body.Size > settings.Session.MaxMessageSize)
                message.Fail(new MessageBodyException(BodyFailureCause.MessageTooLarge, "The message exceeds the size limit.")); // counted, not buffered (RFC 1870)
            else
                message.Commit(written);
            if (message.HeaderTooLarge && !message.IsDiscarding)
                message.Fail(new MessageBodyException(BodyFailureCause.HeaderTooLarge, "The header block exceeds max-header-size.")); // refused at the end

            if (!message.StoreSent && !message.IsDiscarding && message.HeadersComplete && !_body.IsComplete)
                SendToSink(message.StartStreaming(Envelope(message)));
        }
        return _moreChunks ? EndOfChunk() : EndOfData(message);
    }

    /// <summary>The terminator arrived: refuse, or complete the body and wait for the sink.</summary>
    private bool EndOfData(IncomingMessage message)
    {
        var (refusal, cause) = _body.SawBareLineEnding ? (StandardReplies.BareLineEndingInData, BodyFailureCause.InvalidData)
            : _body.Size > settings.Session.MaxMessageSize ? (StandardReplies.MessageTooBig, BodyFailureCause.MessageTooLarge)
            : message.HeaderTooLarge ? (StandardReplies.HeaderTooLarge, BodyFailureCause.HeaderTooLarge)
            : settings.Limits.RejectLongDataLines && _body.LongestLine > MaxDataLineLength ? (StandardReplies.DataLineTooLong, BodyFailureCause.InvalidData)
            : (null, default);
        if (refusal is not null)
        {
            message.Fail(new MessageBodyException(cause, refusal.Text)); // the client's fault: the sink is not blamed
            return Finish(refusal, delivered: false);
        }
        if (message.EarlyResult is { } early)
            return Finish(ReplyFor(early), delivered: false);
        if (message.IsDiscarding)
            return Finish(StandardReplies.StorageUnavailable, delivered: false);

        if (!message.StoreSent)
            SendToSink(message.CompleteInMemory(Envelope(message)));
        else if (!message.TryComplete())
            return WaitForRoom(message);

        _suspension = Suspension.SinkResult;
        _transport.SetDeadline(settings.SinkTimeout);
        return false;
    }

    private bool Finish(SmtpReply reply, bool delivered)
    {
        Reply(reply);
        _telemetry?.MessageFinished(reply.Code, _body.Size);
        _session.CompleteData(delivered);
        _message = null;
        _suspension = Suspension.None;
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
        _suspension = Suspension.None;
    }

    private static ReadOnlySpan<byte> QueuedPrefix => "250 2.0.0 Ok: queued as "u8;

    private bool WaitForRoom(IncomingMessage message)
    {
        _suspension = Suspension.BodyRoom;
        _pausedAt = Environment.TickCount64;
        _transport.SetDeadline(settings.SinkTimeout); // a sink that stops reading must not hold the client forever
        var id = message.Id;
        message.WaitForRoom().AsTask().PipeTo(Self, success: _ => new ConnectionProtocol.BodyWritable(id),
            failure: _ => new ConnectionProtocol.BodyWritable(id));
        return false;
    }

    private void OnBodyWritable(ConnectionProtocol.BodyWritable writable)
    {
        if (_suspension != Suspension.BodyRoom || _message?.Id != writable.MessageId)
            return;
        _suspension = Suspension.None;
        _dataStarted += Environment.TickCount64 - _pausedAt; // our sink's slowness is not the client's
        Process();
    }

    private void OnSinkResult(SinkProtocol.Result result)
    {
        if (_message is null || result.MessageId != _message.Id)
            return; // a late answer for a message already answered (timeout)
        if (_suspension == Suspension.SinkResult)
        {
            if (result is SinkProtocol.Stored)
                FinishQueued(result.MessageId);
            else
                Finish(ReplyFor(result), delivered: false);
            Process();
            return;
        }
        _message.AnswerEarly(result);
        ResumeIfWaitingForRoom();
    }

    private void SinkTimedOut()
    {
        var failure = new SinkProtocol.TemporaryFailure(_message!.Id, "sink timeout");
        Log.Warning("Sink did not answer for message {0} within {1}", _message.Id, settings.SinkTimeout);
        if (_suspension == Suspension.SinkResult)
        {
            _message.Fail(new MessageBodyException(BodyFailureCause.SinkTimeout, "The sink did not answer in time."));
            OnSinkResult(failure);
            return;
        }
        _message.AnswerEarly(failure, BodyFailureCause.SinkTimeout);
        ResumeIfWaitingForRoom();
    }

    private void ResumeIfWaitingForRoom()
    {
        if (_suspension != Suspension.BodyRoom)
            return;
        _suspension = Suspension.None;
        _dataStarted += Environment.TickCount64 - _pausedAt;
        Process();
    }

    private void SendToSink(SinkProtocol.Store store) => settings.Sink.Tell(store, Self);

    private SmtpEnvelope Envelope(IncomingMessage message)
    {
        var transaction = _session.Transaction!;
        var recipients = new string[transaction.Recipients.Count];
        for (var i = 0; i < recipients.Length; i++)
            recipients[i] = transaction.Recipients[i].ToString();
        return new SmtpEnvelope(
            message.Id, message.ReceivedAt, transaction.From?.ToString() ?? "", recipients,
            _transport.RemoteEndPoint, _transport.LocalEndPoint, _session.HeloName ?? "",
            transaction.Parameters.SmtpUtf8, transaction.Parameters.Body == BodyType.EightBitMime, _tls, _session.AuthenticatedAs);
    }

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
