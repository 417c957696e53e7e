using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka;
using Akka.Streams.Dsl;

namespace ActorSmtp.Sinks;

/// <summary>
/// The content of one message exactly as received after dot-unstuffing (CR LF kept, nothing added),
/// in the order it arrived. Read it once, through one of two views:
/// <list type="bullet">
/// <item><see cref="Source"/>: an Akka.Streams source, for sinks that compose stages (hashing, throttling,
/// uploads with their own stages).</item>
/// <item><see cref="ReadAllAsync"/>: the same chunks without materializing a stream. Materializing costs
/// 100–800 µs of CPU per message (measured here), several times the rest of a small message's handling,
/// so the built-in sinks read this way.</item>
/// </list>
/// </summary>
/// <remarks>
/// Both views apply backpressure: a sink that reads slowly slows the client down. Both <b>fail</b> when
/// the transaction fails after the body began (size overrun, bare CR/LF, client gone, timeout), with a
/// <see cref="MessageBodyException"/> naming the cause; the sink must then discard what it wrote. Small
/// messages arrive whole, and reading them never waits.
/// </remarks>
public sealed class MessageBody
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _head;
    private readonly ChannelReader<ReadOnlyMemory<byte>>? _rest;
    private readonly TaskCompletionSource? _ended; // made by Streaming: its writer says when the body ends
    private volatile Exception? _failure;
    private int _taken;

    /// <param name="head">Chunks already received.</param>
    /// <param name="rest">
    /// Chunks still arriving, if any; completing it with an exception fails the body. Such a body knows it has
    /// <see cref="Ended"/> only once its reader has drained it: prefer <see cref="Streaming"/>.
    /// </param>
    internal MessageBody(IReadOnlyList<ReadOnlyMemory<byte>> head, ChannelReader<ReadOnlyMemory<byte>>? rest = null)
    {
        _head = head;
        _rest = rest;
    }

    private MessageBody(IReadOnlyList<ReadOnlyMemory<byte>> head, ChannelReader<ReadOnlyMemory<byte>> rest, TaskCompletionSource ended)
        : this(head, rest) => _ended = ended;

    /// <summary>A body that is complete in memory.</summary>
    public static MessageBody FromChunks(params ReadOnlyMemory<byte>[] chunks) => new(chunks);

    /// <summary>
    /// A body that is still arriving, and the writer that feeds it through a channel of <paramref name="capacity"/>
    /// chunks (a full channel holds the writer back: the backpressure). Completing the writer is the end of data;
    /// completing it with an exception (a <see cref="MessageBodyException"/> naming the cause) fails the body.
    /// Either way the body has <see cref="Ended"/> at that moment.
    /// </summary>
    public static (MessageBody Body, ChannelWriter<ReadOnlyMemory<byte>> Writer) Streaming(
        IReadOnlyList<ReadOnlyMemory<byte>> head, int capacity = 8)
    {
        var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Asynchronous continuations: whoever waits for the end never runs on the writer's (the connection's) thread.
        var body = new MessageBody(head, channel.Reader, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return (body, new EndingWriter(channel.Writer, body));
    }

    /// <summary>True when every chunk has arrived already.</summary>
    public bool IsComplete => _rest is null;

    /// <summary>
    /// Completes (never faults) when the body has ended: its end of data was validated, or the transaction
    /// failed (see <see cref="Failure"/>). A body complete in memory has ended already. The sink's timeout
    /// (<see cref="SinkProtocol.Store.Timeout"/>) runs from here: until then the client is the one being waited for.
    /// </summary>
    public Task Ended => _rest is null ? Task.CompletedTask
        : _ended is not null ? _ended.Task
        : _rest.Completion.ContinueWith(static _ => { }, TaskContinuationOptions.ExecuteSynchronously);

    /// <summary>Why the body failed, once it has; null while it is arriving or when it completed.</summary>
    public Exception? Failure => _failure ?? (_ended is null && _rest?.Completion.IsFaulted == true
        ? _rest.Completion.Exception!.InnerException
        : null);

    /// <summary>The body as an Akka.Streams source. Taking it counts as the one read.</summary>
    public Source<ReadOnlyMemory<byte>, NotUsed> Source
    {
        get
        {
            Take();
            var head = _head.Count == 1 ? Akka.Streams.Dsl.Source.Single(_head[0]) : Akka.Streams.Dsl.Source.From(_head);
            return _rest is null ? head : head.Concat(ChannelSource.FromReader(_rest));
        }
    }

    /// <summary>Reads the chunks in order; throws the transaction's failure if it fails after the body began.</summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        Take();
        return Read(cancellationToken);
    }

    /// <summary>
    /// Reads this body once for <paramref name="count"/> readers (see <see cref="ForkedBody"/>). Counts as the one read.
    /// </summary>
    internal ForkedBody Fork(int count)
    {
        Take();
        return new ForkedBody(_head, _rest, count);
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> Read([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var chunk in _head)
            yield return chunk;
        if (_rest is null)
            yield break;
        while (await _rest.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            while (_rest.TryRead(out var chunk))
                yield return chunk;
    }

    /// <summary>Records the end (before the channel completes, so a reader that sees the failure finds it here).</summary>
    private sealed class EndingWriter(ChannelWriter<ReadOnlyMemory<byte>> inner, MessageBody body) : ChannelWriter<ReadOnlyMemory<byte>>
    {
        public override bool TryWrite(ReadOnlyMemory<byte> item) => inner.TryWrite(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
            inner.WaitToWriteAsync(cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> item, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(item, cancellationToken);

        public override bool TryComplete(Exception? error = null)
        {
            // The writer and a fork's release may race to complete; once per body, so a lock costs nothing.
            lock (body._ended!)
            {
                var before = body._failure;
                body._failure = error;
                if (!inner.TryComplete(error))
                {
                    body._failure = before;
                    return false;
                }
            }
            body._ended.TrySetResult();
            return true;
        }
    }

    private void Take()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0)
            throw new InvalidOperationException("A message body can be read only once.");
    }
}
