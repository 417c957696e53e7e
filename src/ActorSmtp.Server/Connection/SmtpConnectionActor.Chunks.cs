using System.Buffers;
using ActorSmtp.Protocol.Data;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// BDAT (RFC 3030): each chunk's octets go into the same message body as DATA's, through <see cref="ChunkDecoder"/>;
/// a refused chunk's octets are read and dropped so they are never taken for commands.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    private long _skip; // octets of a refused chunk still to drop
    private long _skipped;
    private bool _moreChunks; // the chunk being read is not the LAST one

    private void BeginChunk(BdatChunk chunk)
    {
        _chunks ??= new ChunkDecoder();
        if (_message is null)
        {
            _chunks.Reset();
            BeginMessage(_chunks);
        }
        _chunks.StartChunk(chunk.Size);
        _moreChunks = !chunk.Last;
        StartDataPhase();
    }

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

    /// <summary>A chunk before the last is in: acknowledge it and read commands again (the next BDAT, or RSET).</summary>
    private bool EndOfChunk()
    {
        _moreChunks = false;
        Reply(_session.CompleteChunk());
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
}
