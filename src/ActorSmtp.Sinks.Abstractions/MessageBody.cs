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
/// the transaction fails after the body began (size overrun, bare CR/LF, client gone, timeout); the sink
/// must then discard what it wrote. Small messages arrive whole, and reading them never waits.
/// </remarks>
public sealed class MessageBody
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _head;
    private readonly ChannelReader<ReadOnlyMemory<byte>>? _rest;
    private int _taken;

    /// <param name="head">Chunks already received.</param>
    /// <param name="rest">Chunks still arriving, if any; completing it with an exception fails the body.</param>
    public MessageBody(IReadOnlyList<ReadOnlyMemory<byte>> head, ChannelReader<ReadOnlyMemory<byte>>? rest = null)
    {
        _head = head;
        _rest = rest;
    }

    /// <summary>A body that is complete in memory.</summary>
    public static MessageBody FromChunks(params ReadOnlyMemory<byte>[] chunks) => new(chunks);

    /// <summary>True when every chunk has arrived already.</summary>
    public bool IsComplete => _rest is null;

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
    public ForkedBody Fork(int count)
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

    private void Take()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0)
            throw new InvalidOperationException("A message body can be read only once.");
    }
}
