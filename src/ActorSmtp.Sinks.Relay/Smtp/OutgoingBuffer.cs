using System.Buffers;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>
/// Gathers the body's small chunks into writes of a fixed size, so the upstream sees few TLS records and BDAT
/// chunks; <paramref name="flush"/> sends each full buffer. One pooled array per transfer: memory stays flat
/// whatever the message size.
/// </summary>
internal sealed class OutgoingBuffer(Func<ReadOnlyMemory<byte>, Task> flush, int size = OutgoingBuffer.DefaultSize) : IDisposable
{
    public const int DefaultSize = 256 * 1024;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(size);
    private int _length;

    /// <summary>The bytes gathered and not yet flushed.</summary>
    public ReadOnlyMemory<byte> Pending => _buffer.AsMemory(0, _length);

    public async ValueTask PutAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var count = Math.Min(bytes.Length, size - _length);
            bytes.Span[..count].CopyTo(_buffer.AsSpan(_length));
            _length += count;
            bytes = bytes[count..];
            if (_length == size)
                await FlushAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask FlushAsync()
    {
        if (_length == 0)
            return;
        await flush(Pending).ConfigureAwait(false);
        _length = 0;
    }

    /// <summary>Forgets the pending bytes without sending them (they go out another way, e.g. in BDAT LAST).</summary>
    public void Clear() => _length = 0;

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
