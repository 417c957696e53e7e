using System.Buffers;
using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Protocol.Data;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The ReceivingBody phase: decoding DATA, or BDAT chunks (RFC 3030) into the same body, and streaming it to the
/// sink; it ends at the end of data (then the sink decides, SinkWait.cs), at a refusal, or at a chunk before the last.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>RFC 5321 §4.5.3.1.6: 1000 octets including CR LF.</summary>
    private const int MaxDataLineLength = 998;

    private void OnReceivingBody(object message)
    {
        if (!OnInput(message))
            ElseFinishWithinGrace(message);
    }

    private void BeginData()
    {
        _decoder.Reset();
        BeginMessage(_decoder);
        StartDataPhase();
        Become(ReceivingBody);
    }

    /// <summary>A new message body, fed by <paramref name="body"/>: DATA and BDAT share everything from here on.</summary>
    private void BeginMessage(IBodyDecoder body)
    {
        _body = body;
        _message = new IncomingMessage(MessageIds.Next(), DateTimeOffset.UtcNow, settings.Limits.MaxHeaderSize);
        if (settings.Faults is not null)
            ResetMessageFaults();
        if (settings.Checks is not null)
            BeginChecks();
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

            if (_faults is { } faults && _body.Size >= faults.BodyAt && !BodyFault(message))
                return false;
            var input = reader.UnreadSpan;
            var output = message.OutputSpace(input.Length);
            var take = BeforeBodyFault(Math.Min(input.Length, output.Length - 1));
            _body.Decode(input[..take], output, out var consumed, out var written);
            reader.Advance(consumed);
            if (!message.IsDiscarding && _body.Size > settings.Session.MaxMessageSize)
                message.Fail(new MessageBodyException(BodyFailureCause.MessageTooLarge, "The message exceeds the size limit.")); // counted, not buffered (RFC 1870)
            else
            {
                message.Commit(written);
                if (settings.Checks is not null && !message.IsDiscarding)
                    Tap(output[..written]);
            }
            if (message.HeaderTooLarge && !message.IsDiscarding)
                message.Fail(new MessageBodyException(BodyFailureCause.HeaderTooLarge, "The header block exceeds max-header-size.")); // refused at the end

            if (!message.StoreSent && !message.IsDiscarding && message.HeadersComplete && !_body.IsComplete
                && (settings.Checks is null || !HoldsForHeader(message)))
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
        if (_faults?.Refusal is { } injected)
            return Finish(injected, delivered: false); // before the sink's answer: it only abandoned what the fault refused
        if (message.EarlyResult is { } early)
            return Finish(ReplyFor(early), delivered: false);
        if (message.IsDiscarding)
            return Finish(StandardReplies.StorageUnavailable, delivered: false);
        if (settings.Faults is not null && BeforeStoring(message))
            return _phase.ReadsInput;
        return StoreAtEndOfData(message);
    }

    /// <summary>Completes the body (it may have to wait for room) and waits for the sink; false: reading stops.</summary>
    private bool StoreAtEndOfData(IncomingMessage message)
    {
        if (settings.Checks is not null && VerifyAtEndOfData(message))
            return false; // the body completes (or fails) once DKIM, DMARC and ARC are known
        if (!message.StoreSent)
            SendToSink(settings.Checks is not null && ResultsHeader(message) is { } header
                ? message.CompleteRewritten(Envelope(message), header)
                : message.CompleteInMemory(Envelope(message)));
        else if (!message.TryComplete())
            return WaitForRoom(message);

        Become(AwaitingSinkResult);
        _transport.SetDeadline(settings.SinkTimeout);
        return false;
    }

    private void BeginChunk(BdatChunk chunk)
    {
        _chunks ??= new ChunkDecoder();
        if (_message is null)
        {
            _chunks.Reset();
            BeginMessage(_chunks);
        }
        _chunks.StartChunk(chunk.Size);
        if (_faults is not null)
            _faults.ChunkNumber++;
        _moreChunks = !chunk.Last;
        StartDataPhase();
        Become(ReceivingBody);
    }

    /// <summary>A chunk before the last is in: acknowledge it and read commands again (the next BDAT, or RSET).</summary>
    private bool EndOfChunk()
    {
        _moreChunks = false;
        Reply(_session.CompleteChunk());
        ReadCommands();
        return true;
    }

    /// <summary>
    /// RSET, HELO/EHLO, STARTTLS, QUIT or a refused BDAT ended the transaction between chunks: the sink's body
    /// fails and nothing is stored, as when a client disconnects in the middle of DATA.
    /// </summary>
    private void AbandonEndedMessage()
    {
        if (_message is null || _session.State is SessionState.ReceivingData or SessionState.BetweenChunks)
            return;
        _message.Fail(new MessageBodyException(BodyFailureCause.TransactionEnded, "The transaction ended before the last BDAT chunk."));
        _message = null;
    }

    private SmtpEnvelope Envelope(IncomingMessage message)
    {
        var transaction = _session.Transaction!;
        var recipients = new string[transaction.Recipients.Count];
        for (var i = 0; i < recipients.Length; i++)
            recipients[i] = transaction.Recipients[i].ToString();
        return new SmtpEnvelope(
            message.Id, message.ReceivedAt, transaction.From?.ToString() ?? "", recipients,
            _transport.RemoteEndPoint, _transport.LocalEndPoint, _session.HeloName ?? "",
            transaction.Parameters.SmtpUtf8, transaction.Parameters.Body == BodyType.EightBitMime, _tls, _session.AuthenticatedAs,
            Tags(), InjectedSoFar(message), _authentication);
    }

    /// <summary>
    /// data-timeout of silence at most; with min-data-rate also data-timeout after DATA plus the time the
    /// bytes so far may take at that rate (Postfix smtpd_min_data_rate), so a trickle cannot hold the session.
    /// </summary>
    private void SetDataDeadline()
    {
        var timeout = (long)settings.DataTimeout.TotalMilliseconds;
        var deadline = Environment.TickCount64 + timeout;
        if (settings.Limits.MinDataRate > 0)
            deadline = Math.Min(deadline, _dataStarted + timeout + PhaseOctets * 1000 / settings.Limits.MinDataRate);
        _transport.SetDeadlineAt(deadline);
    }

    /// <summary>DATA, or one BDAT chunk (read or skipped), begins: the deadlines count from now.</summary>
    private void StartDataPhase()
    {
        _dataStarted = Environment.TickCount64;
        _phaseStartSize = _skip > 0 ? 0 : _body.Size;
        _skipped = 0;
    }

    /// <summary>Octets received in this phase so far.</summary>
    private long PhaseOctets => _skip > 0 ? _skipped : _body.Size - _phaseStartSize;
}
