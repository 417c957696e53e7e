using System.Buffers;

namespace ActorSmtp.Sinks.AzureBlob;

/// <summary>
/// Collects body bytes into one block of at most <c>blockSize</c> bytes, in a pooled array that grows
/// only as the message does: a 2 KiB message never holds a 4 MiB buffer, so many small messages in
/// flight cost little memory. Not thread-safe; one per store.
/// </summary>
internal sealed class BlockBuffer(int blockSize)
{
    private const int InitialSize = 16 * 1024;

    private byte[] _array = [];

    public int Length { get; private set; }

    public bool IsFull => Length == blockSize;

    /// <summary>Copies as much of <paramref name="source"/> as fits into this block; returns how much.</summary>
    public int Append(ReadOnlySpan<byte> source)
    {
        var count = Math.Min(source.Length, blockSize - Length);
        if (Length + count > _array.Length)
            Grow(Length + count);
        source[..count].CopyTo(_array.AsSpan(Length));
        Length += count;
        return count;
    }

    /// <summary>A read-only, seekable view of the collected bytes (the Azure pipeline rewinds it to retry).</summary>
    public Stream AsStream() => new MemoryStream(_array, 0, Length, writable: false);

    public void Clear() => Length = 0;

    /// <summary>Gives the array back to the pool. Only once nothing reads it any more (no request in flight).</summary>
    public void Return()
    {
        if (_array.Length > 0)
            ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        Length = 0;
    }

    private void Grow(int needed)
    {
        var size = Math.Min(blockSize, Math.Max(needed, Math.Max(InitialSize, _array.Length * 2)));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _array.AsSpan(0, Length).CopyTo(bigger);
        if (_array.Length > 0)
            ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
