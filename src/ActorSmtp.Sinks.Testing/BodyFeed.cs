using System.Threading.Channels;

namespace ActorSmtp.Sinks.Testing;

/// <summary>
/// A <see cref="MessageBody"/> that is still arriving, fed by the test the way a connection feeds it:
/// chunks through a small bounded channel (so a sink that does not read holds the writer back), then
/// the end of data, or a failure (size overrun, bare LF, client gone).
/// </summary>
public sealed class BodyFeed
{
    private readonly ChannelWriter<ReadOnlyMemory<byte>> _writer;

    /// <param name="head">Chunks that arrived before the sink got the message (the body's in-memory head).</param>
    /// <param name="capacity">Chunks in flight before <see cref="WriteAsync"/> waits for the sink.</param>
    public BodyFeed(IReadOnlyList<ReadOnlyMemory<byte>>? head = null, int capacity = 4) =>
        (Body, _writer) = MessageBody.Streaming(head ?? [], capacity);

    /// <summary>The body to put in a <see cref="SinkProtocol.Store"/>.</summary>
    public MessageBody Body { get; }

    /// <summary>Writes <paramref name="content"/> in chunks of <paramref name="chunkSizes"/> (cycled), waiting for room.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> content, IReadOnlyList<int> chunkSizes, CancellationToken cancellationToken = default)
    {
        for (int offset = 0, i = 0; offset < content.Length; i++)
        {
            var size = Math.Min(Math.Max(1, chunkSizes[i % chunkSizes.Count]), content.Length - offset);
            // A copy per chunk: the sink may keep a chunk while the next one is written, as with the server's buffers.
            await _writer.WriteAsync(content.Slice(offset, size).ToArray(), cancellationToken).ConfigureAwait(false);
            offset += size;
        }
    }

    /// <summary>Writes without waiting; false when the channel is full or closed.</summary>
    public bool TryWrite(ReadOnlyMemory<byte> chunk) => _writer.TryWrite(chunk.ToArray());

    /// <summary>The end of data, validated: the body completes.</summary>
    public void Complete() => _writer.TryComplete();

    /// <summary>
    /// The transaction failed after the body began: reading the body throws <paramref name="failure"/>. The
    /// server fails it with a <see cref="MessageBodyException"/> naming the cause.
    /// </summary>
    public void Fail(Exception failure) => _writer.TryComplete(failure);
}
