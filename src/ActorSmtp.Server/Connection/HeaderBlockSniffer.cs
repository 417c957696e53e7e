using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Finds the header block at the start of a message (up to the first empty line, RFC 5322 §2.1) so
/// MimeKit can read it without the body ever being buffered. While the block lies in one body chunk —
/// nearly always — it is a slice of that chunk, which is never written again; only a block spread over
/// several chunks is copied, and never beyond the cap.
/// </summary>
internal sealed class HeaderBlockSniffer(int maxHeaderBytes)
{
    private static ReadOnlySpan<byte> EmptyLine => "\r\n\r\n"u8;

    private byte[] _array = [];
    private int _start;
    private int _length;
    private bool _ownsArray;
    private int _blockLength = -1;

    /// <summary>True once the block ended or the cap was reached; later input is ignored.</summary>
    public bool IsComplete => _blockLength >= 0;

    /// <summary>Takes note of decoded message bytes; the array must not change afterwards.</summary>
    public void Append(byte[] array, int offset, int count)
    {
        count = Math.Min(count, maxHeaderBytes - _length);
        if (IsComplete || count <= 0)
            return;
        if (_length == 0)
            (_array, _start) = (array, offset);
        else if (_ownsArray || array != _array || offset != _start + _length)
            CopyIn(array, offset, count);
        var searchFrom = Math.Max(0, _length - (EmptyLine.Length - 1));
        _length += count;

        var seen = _array.AsSpan(_start, _length);
        if (seen.StartsWith("\r\n"u8))
            _blockLength = 0; // the message starts with the empty line: no headers at all
        else if (seen[searchFrom..].IndexOf(EmptyLine) is var at and >= 0)
            _blockLength = searchFrom + at + 2;
        else if (_length >= maxHeaderBytes)
        {
            _blockLength = CompleteLinesLength(); // over the cap: complete lines only
            Overflowed = LooksLikeHeaders(_array.AsSpan(_start, _length), _blockLength);
        }
    }

    /// <summary>
    /// The cap was reached inside what is a header block: header fields and folded lines only. A message
    /// without headers (text right away, no empty line) is not refused for its length.
    /// </summary>
    public bool Overflowed { get; private set; }

    /// <summary>RFC 5322 §2.2: field-name ":" (printable ASCII but ':') or a folded line (starts with SP/HTAB).</summary>
    private static bool LooksLikeHeaders(ReadOnlySpan<byte> seen, int completeLength)
    {
        if (!StartsWithFieldName(seen))
            return false;
        var lines = seen[..completeLength];
        while (!lines.IsEmpty)
        {
            var end = lines.IndexOf("\r\n"u8);
            var line = lines[..end];
            if (!line.IsEmpty && line[0] is not ((byte)' ' or (byte)'\t') && !StartsWithFieldName(line))
                return false;
            lines = lines[(end + 2)..];
        }
        return true;
    }

    private static bool StartsWithFieldName(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == (byte)':')
                return i > 0;
            if (line[i] is < 33 or > 126)
                return false;
        }
        return false;
    }

    /// <summary>The headers: the whole block, or its complete lines when the message ended early or the cap was hit.</summary>
    public SniffedHeaders Parse()
    {
        var length = _blockLength >= 0 ? _blockLength : CompleteLinesLength();
        return length == 0 ? SniffedHeaders.Empty : SniffedHeaders.Parse(_array.AsMemory(_start, length));
    }

    /// <summary>Moves what was seen into an array of our own (once), then appends there.</summary>
    private void CopyIn(byte[] array, int offset, int count)
    {
        if (!_ownsArray)
        {
            var own = new byte[Math.Min(maxHeaderBytes, Math.Max(4096, (_length + count) * 2))];
            _array.AsSpan(_start, _length).CopyTo(own);
            (_array, _start, _ownsArray) = (own, 0, true);
        }
        if (_length + count > _array.Length)
            Array.Resize(ref _array, Math.Min(maxHeaderBytes, Math.Max(_length + count, _array.Length * 2)));
        array.AsSpan(offset, count).CopyTo(_array.AsSpan(_length));
    }

    private int CompleteLinesLength()
    {
        var lastLineEnd = _array.AsSpan(_start, _length).LastIndexOf("\r\n"u8);
        return lastLineEnd < 0 ? 0 : lastLineEnd + 2;
    }
}
