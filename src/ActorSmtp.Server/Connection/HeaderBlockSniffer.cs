using System.Runtime.InteropServices;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Finds the header block at the start of a message (up to the first empty line, RFC 5322 §2.1) so
/// MimeKit can read it without the body ever being buffered. It keeps views of the body chunks it was
/// shown, never copies: a pending block costs the chunks that hold it (which the message holds anyway
/// until the block is known) and nothing more. Only a block spread over several chunks is copied, once,
/// when it is parsed. Issue 15 §0c: copying as it arrived doubled the cost of a pending block, about
/// 205 KB per connection under the 100 KiB cap (load-tests/BENCHMARKS.md, "Pending header blocks").
/// </summary>
internal sealed class HeaderBlockSniffer(int maxHeaderBytes)
{
    private static ReadOnlySpan<byte> EmptyLine => "\r\n\r\n"u8;

    private readonly List<ReadOnlyMemory<byte>> _segments = [];
    private int _length;
    private int _blockLength = -1;

    // The last bytes seen (at most 3), for an empty line across two chunks. It starts as a virtual CR LF
    // before the message, so a message that starts with the empty line has a block of length 0.
    private readonly byte[] _recent = [(byte)'\r', (byte)'\n', 0];
    private int _recentLength = 2;
    private ReadOnlyMemory<byte>? _cut; // the complete lines, once the cap was reached

    /// <summary>True once the block ended or the cap was reached; later input is ignored.</summary>
    public bool IsComplete => _blockLength >= 0;

    /// <summary>Takes note of decoded message bytes; the array must not change afterwards.</summary>
    public void Append(byte[] array, int offset, int count)
    {
        count = Math.Min(count, maxHeaderBytes - _length);
        if (IsComplete || count <= 0)
            return;
        var piece = array.AsSpan(offset, count);
        Keep(array, offset, count);
        var end = FindEmptyLine(piece);
        _length += count;
        Remember(piece);
        if (end >= 0)
            _blockLength = end;
        else if (_length >= maxHeaderBytes)
        {
            var seen = Contiguous(_length);
            _blockLength = CompleteLinesLength(seen.Span); // over the cap: complete lines only
            Overflowed = LooksLikeHeaders(seen.Span, _blockLength);
            // A refused message (552 5.3.4) is never parsed: keep nothing of it.
            _cut = Overflowed ? ReadOnlyMemory<byte>.Empty : seen[.._blockLength];
            _segments.Clear();
        }
    }

    /// <summary>Lets go of the chunks seen (the message failed, so they are dropped); <see cref="Parse"/> finds no headers after it.</summary>
    public void Forget()
    {
        _segments.Clear();
        _cut = ReadOnlyMemory<byte>.Empty;
        _blockLength = Math.Max(_blockLength, 0);
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
        if (_cut is { } cut)
            return SniffedHeaders.Parse(cut); // Parse of an empty block is SniffedHeaders.Empty
        var length = _blockLength >= 0 ? _blockLength : CompleteLinesLength(Contiguous(_length).Span);
        return length == 0 ? SniffedHeaders.Empty : SniffedHeaders.Parse(Contiguous(length));
    }

    /// <summary>A view of the piece: the last segment grows when the piece continues it in the same array.</summary>
    private void Keep(byte[] array, int offset, int count)
    {
        if (_segments.Count > 0 && MemoryMarshal.TryGetArray(_segments[^1], out var last)
            && last.Array == array && last.Offset + last.Count == offset)
            _segments[^1] = array.AsMemory(last.Offset, last.Count + count);
        else
            _segments.Add(array.AsMemory(offset, count));
    }

    /// <summary>The length of the block when <paramref name="piece"/> ends it (its empty line begins at most 3 bytes before), else -1.</summary>
    private int FindEmptyLine(ReadOnlySpan<byte> piece)
    {
        Span<byte> seam = stackalloc byte[6];
        _recent.AsSpan(0, _recentLength).CopyTo(seam);
        var head = Math.Min(3, piece.Length);
        piece[..head].CopyTo(seam[_recentLength..]);
        if (seam[..(_recentLength + head)].IndexOf(EmptyLine) is var across and >= 0)
            return _length - _recentLength + across + 2;
        return piece.IndexOf(EmptyLine) is var within and >= 0 ? _length + within + 2 : -1;
    }

    private void Remember(ReadOnlySpan<byte> piece)
    {
        Span<byte> joined = stackalloc byte[6];
        _recent.AsSpan(0, _recentLength).CopyTo(joined);
        var tail = piece[Math.Max(0, piece.Length - 3)..];
        tail.CopyTo(joined[_recentLength..]);
        var all = joined[..(_recentLength + tail.Length)];
        _recentLength = Math.Min(3, all.Length);
        all[^_recentLength..].CopyTo(_recent);
    }

    /// <summary>The first <paramref name="length"/> bytes seen: a slice when one segment holds them, else one copy.</summary>
    private ReadOnlyMemory<byte> Contiguous(int length)
    {
        if (length == 0)
            return ReadOnlyMemory<byte>.Empty;
        if (_segments[0].Length >= length)
            return _segments[0][..length];
        var copy = new byte[length];
        var at = 0;
        foreach (var segment in _segments)
        {
            var take = Math.Min(segment.Length, length - at);
            segment.Span[..take].CopyTo(copy.AsSpan(at));
            if ((at += take) == length)
                break;
        }
        return copy;
    }

    private static int CompleteLinesLength(ReadOnlySpan<byte> seen)
    {
        var lastLineEnd = seen.LastIndexOf("\r\n"u8);
        return lastLineEnd < 0 ? 0 : lastLineEnd + 2;
    }
}
