using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Keeps a bounded copy of the start of a message until the header block ends (the first empty
/// line, RFC 5322 §2.1), so MimeKit can read the headers without the body ever being buffered.
/// </summary>
internal sealed class HeaderBlockSniffer(int maxHeaderBytes)
{
    private static ReadOnlySpan<byte> EmptyLine => "\r\n\r\n"u8;

    private byte[] _buffer = [];
    private int _length;
    private int _blockLength = -1;

    /// <summary>True once the block ended or the cap was reached; later input is ignored.</summary>
    public bool IsComplete => _blockLength >= 0;

    /// <summary>Copies decoded message bytes until the header block is complete.</summary>
    public void Append(ReadOnlySpan<byte> decoded)
    {
        if (IsComplete || decoded.IsEmpty)
            return;
        var take = Math.Min(decoded.Length, maxHeaderBytes - _length);
        EnsureCapacity(_length + take);
        decoded[..take].CopyTo(_buffer.AsSpan(_length));
        var searchFrom = Math.Max(0, _length - (EmptyLine.Length - 1));
        _length += take;

        if (_buffer[0] == (byte)'\r' && _length >= 2 && _buffer[1] == (byte)'\n')
            _blockLength = 0; // the message starts with the empty line: no headers at all
        else if (_buffer.AsSpan(searchFrom, _length - searchFrom).IndexOf(EmptyLine) is var at and >= 0)
            _blockLength = searchFrom + at + 2;
        else if (_length >= maxHeaderBytes)
            _blockLength = CompleteLinesLength(); // over the cap: complete lines only
    }

    /// <summary>Parses what was collected: the whole block, or its complete lines when the message ended early or the cap was hit.</summary>
    public SniffedHeaders Parse()
    {
        var length = _blockLength >= 0 ? _blockLength : CompleteLinesLength();
        var headers = length == 0 ? SniffedHeaders.Empty : SniffedHeaders.Parse(_buffer.AsMemory(0, length));
        _buffer = [];
        return headers;
    }

    private int CompleteLinesLength()
    {
        var lastLineEnd = _buffer.AsSpan(0, _length).LastIndexOf("\r\n"u8);
        return lastLineEnd < 0 ? 0 : lastLineEnd + 2;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length)
            return;
        Array.Resize(ref _buffer, Math.Min(maxHeaderBytes, Math.Max(needed, Math.Max(1024, _buffer.Length * 2))));
    }
}
