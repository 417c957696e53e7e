using System.Buffers;

namespace ActorSmtp.Server.Transport;

/// <summary>
/// Collects the replies to one batch of commands so they leave in one write (RFC 2920 §3: answer
/// pipelined commands in order; one flush per batch). The array is pooled and given back after
/// each flush, so an idle connection holds no reply memory.
/// </summary>
internal sealed class ReplyBuffer
{
    private byte[]? _buffer;
    private int _length;

    public bool IsEmpty => _length == 0;

    public ReadOnlyMemory<byte> Written => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    public void Append(ReadOnlySpan<byte> reply)
    {
        EnsureCapacity(reply.Length);
        reply.CopyTo(_buffer.AsSpan(_length));
        _length += reply.Length;
    }

    public void Clear()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _length = 0;
    }

    private void EnsureCapacity(int more)
    {
        if (_buffer is not null && _length + more <= _buffer.Length)
            return;
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(1024, (_length + more) * 2));
        _buffer?.AsSpan(0, _length).CopyTo(grown);
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
