using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>
/// BDAT (RFC 3030 CHUNKING): the checks on each chunk, decided before its octets arrive. The octets themselves
/// never pass through here; the connection reads them as message data, or drops them after a refusal.
/// </summary>
public sealed partial class SmtpSession
{
    private BdatChunk _chunk;
    private bool _inChunk; // the data being received is a BDAT chunk's, not DATA's

    private SessionStep Bdat(ReadOnlySpan<byte> argument)
    {
        if (!BdatArguments.TryParse(argument, out var chunk, out var sizeKnown))
            return sizeKnown ? SkipChunk(StandardReplies.BdatSyntax, chunk) : Hangup(StandardReplies.BdatSizeUnreadable);
        if (SmtpStateTable.Check(SmtpVerb.Bdat, State) is { } outOfSequence)
            return SkipChunk(outOfSequence, chunk);
        var transaction = Transaction!;
        if (transaction.Recipients.Count == 0)
            return SkipChunk(StandardReplies.NeedRecipient, chunk);
        // RFC 1870 with RFC 3030: chunk sizes are announced, so a message that would outgrow the limit is refused
        // at the chunk that overflows it, and none of that chunk's octets is taken into the message.
        if (chunk.Size > Options.MaxMessageSize - transaction.ChunkOctets)
            return SkipChunk(StandardReplies.MessageTooBig, chunk);

        transaction.ChunkOctets += chunk.Size;
        _chunk = chunk;
        _inChunk = true;
        State = SessionState.ReceivingData;
        var step = new SessionStep(null, SessionAction.BeginChunk, Chunk: chunk);
        // An empty chunk before the last moves nothing, like NOOP: endless ones would keep the session busy for free.
        return chunk.Size == 0 && !chunk.Last ? CountJunk(step) : step;
    }

    /// <summary>A chunk other than the last was read completely: its acknowledgement (RFC 3030 §2).</summary>
    public SmtpReply CompleteChunk()
    {
        if (State != SessionState.ReceivingData || _chunk.Last || Transaction is null)
            throw new InvalidOperationException($"No BDAT chunk before the last is being received in state {State}.");
        State = SessionState.BetweenChunks;
        return StandardReplies.ChunkReceived(_chunk.Size);
    }

    /// <summary>
    /// A refused BDAT. RFC 3030 §2: its octets are still read (and dropped), or they would be taken for commands.
    /// The message it belonged to has failed: the transaction ends, so every later BDAT of it is refused as well
    /// (503) instead of being taken for a new, truncated message, until the client starts over with MAIL.
    /// </summary>
    private SessionStep SkipChunk(SmtpReply refusal, BdatChunk chunk)
    {
        if (State is SessionState.InTransaction or SessionState.BetweenChunks)
        {
            Transaction = null;
            State = SessionState.Ready;
        }
        var step = Refuse(refusal);
        return step.Action == SessionAction.Close ? step : step with { Action = SessionAction.SkipChunk, Chunk = chunk };
    }

    /// <summary>Without a chunk size nobody knows where the octets end and the next command starts: Postfix's 521 and close.</summary>
    private SessionStep Hangup(SmtpReply reply)
    {
        State = SessionState.Closed;
        return new SessionStep(reply, SessionAction.Close);
    }
}
