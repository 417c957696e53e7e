using System.Threading.Channels;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The body of the message being received. Decoded DATA bytes are written straight into chunk
/// arrays that become the body stream's elements (one copy: socket buffer → chunk). Chunks are
/// held back until the header block is known, so the sink gets headers as plain values; a message
/// that ends sooner goes to the sink whole, with no channel at all. After that they stream through a
/// bounded channel: a full channel suspends the connection, which stops reading the socket.
/// </summary>
internal sealed class IncomingMessage(string id, DateTimeOffset receivedAt, int maxHeaderBytes)
{
    private const int MaxChunk = 16 * 1024;
    private const int MinChunk = 256;
    private const int ChunksInFlight = 8;

    [ThreadStatic] private static byte[]? _discardScratch;

    private readonly HeaderBlockSniffer _headers = new(maxHeaderBytes);
    private List<ReadOnlyMemory<byte>> _held = [];
    private ChannelWriter<ReadOnlyMemory<byte>>? _writer;
    private byte[]? _chunk;
    private int _filled;
    private readonly Queue<ReadOnlyMemory<byte>> _unsent = new(); // chunks the full channel has not taken yet
    private SniffedHeaders? _parsed;

    public string Id { get; } = id;
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>The sink has been sent the Store (its answer is now awaited).</summary>
    public bool StoreSent { get; private set; }

    /// <summary>Body bytes are dropped from now on (the transaction failed or the sink already answered).</summary>
    public bool IsDiscarding { get; private set; }

    /// <summary>The sink's answer when it came before the end of data.</summary>
    public SinkProtocol.Result? EarlyResult { get; private set; }

    public bool IsStreaming => _writer is not null;

    /// <summary>The header fields, parsed when first read (the sink's, or an injected fault's header condition).</summary>
    public SniffedHeaders Headers => _parsed ??= _headers.Parse();
    public bool HeadersComplete => _headers.IsComplete;

    /// <summary>The header block reached the size cap without ending: the message is refused (552 5.3.4).</summary>
    public bool HeaderTooLarge => _headers.Overflowed;
    public bool IsBlocked => _unsent.Count > 0;

    /// <summary>Room for the decoder's output of <paramref name="inputLength"/> bytes (at least 2).</summary>
    public Span<byte> OutputSpace(int inputLength)
    {
        if (IsDiscarding)
            return _discardScratch ??= new byte[MaxChunk + 1];
        if (_chunk is not null && _chunk.Length - _filled < 2)
            Emit();
        _chunk ??= new byte[Math.Clamp(inputLength + 1, MinChunk, MaxChunk)];
        return _chunk.AsSpan(_filled);
    }

    /// <summary>Accepts <paramref name="written"/> bytes the decoder put into the last <see cref="OutputSpace"/>.</summary>
    public void Commit(int written)
    {
        if (IsDiscarding || written == 0)
            return;
        _headers.Append(_chunk!, _filled, written);
        _filled += written;
    }

    /// <summary>Sends the body as a stream: held chunks first, then whatever arrives later.</summary>
    public SinkProtocol.Store StartStreaming(SmtpEnvelope envelope)
    {
        var (body, writer) = MessageBody.Streaming(TakeHeld(), ChunksInFlight);
        _writer = writer;
        return MarkSent(envelope, body);
    }

    /// <summary>Sends a message that ended before it had to stream: the whole body is in memory already.</summary>
    public SinkProtocol.Store CompleteInMemory(SmtpEnvelope envelope)
    {
        Emit();
        return MarkSent(envelope, new MessageBody(TakeHeld()));
    }

    /// <summary>
    /// Sends a message held in memory after <paramref name="rewrite"/> changed its bytes (add-authentication-results:
    /// one header prepended, forged ones removed); the sink's headers are those of the rewritten bytes.
    /// </summary>
    public SinkProtocol.Store CompleteRewritten(SmtpEnvelope envelope, Func<ReadOnlyMemory<byte>, byte[]> rewrite)
    {
        Emit();
        var held = TakeHeld();
        var whole = new byte[held.Sum(chunk => chunk.Length)];
        var at = 0;
        foreach (var chunk in held)
        {
            chunk.Span.CopyTo(whole.AsSpan(at));
            at += chunk.Length;
        }
        var rewritten = rewrite(whole);
        var sniffer = new HeaderBlockSniffer(Math.Max(maxHeaderBytes, rewritten.Length));
        sniffer.Append(rewritten, 0, rewritten.Length);
        _parsed = sniffer.Parse();
        return MarkSent(envelope, new MessageBody([rewritten]));
    }

    /// <summary>The end of data was valid: the body stream completes once the last chunk is through.</summary>
    public bool TryComplete()
    {
        Emit();
        if (!RetryBlocked())
            return false;
        _writer?.TryComplete(); // the body has ended: the sink's timeout starts now
        return true;
    }

    /// <summary>Offers the chunks the full channel refused, in order; true when none is left waiting.</summary>
    public bool RetryBlocked()
    {
        while (_unsent.TryPeek(out var chunk) && _writer!.TryWrite(chunk))
            _unsent.Dequeue();
        return !IsBlocked;
    }

    public ValueTask<bool> WaitForRoom() => _writer!.WaitToWriteAsync();

    /// <summary>Records an answer that came before the end of data (or the sink's timeout); the rest of the body is dropped.</summary>
    public void AnswerEarly(SinkProtocol.Result result, BodyFailureCause cause = BodyFailureCause.SinkAnswered)
    {
        EarlyResult ??= result;
        Fail(new MessageBodyException(cause, cause == BodyFailureCause.SinkTimeout
            ? "The sink stopped taking the body for longer than its timeout."
            : "The sink answered before the end of data."));
    }

    /// <summary>Fails the body stream so the sink discards what it wrote, and drops all further bytes.</summary>
    /// <remarks>The cause tells the sink's supervisor whether the sink had any part in it (circuit breaker, fallback).</remarks>
    public void Fail(MessageBodyException reason)
    {
        IsDiscarding = true;
        _held.Clear();
        _headers.Forget();
        _chunk = null;
        _unsent.Clear();
        _writer?.TryComplete(reason);
    }

    private SinkProtocol.Store MarkSent(SmtpEnvelope envelope, MessageBody body)
    {
        StoreSent = true;
        return new SinkProtocol.Store(envelope, Headers, body);
    }

    private List<ReadOnlyMemory<byte>> TakeHeld()
    {
        var held = _held;
        _held = [];
        return held;
    }

    private void Emit()
    {
        if (_chunk is null || _filled == 0)
            return;
        ReadOnlyMemory<byte> chunk = _chunk.AsMemory(0, _filled);
        _chunk = null;
        _filled = 0;
        if (_writer is null)
            _held.Add(chunk);
        else
        {
            _unsent.Enqueue(chunk);
            RetryBlocked();
        }
    }
}
