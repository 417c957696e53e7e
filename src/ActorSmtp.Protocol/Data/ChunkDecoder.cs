namespace ActorSmtp.Protocol.Data;

/// <summary>
/// The octets of BDAT chunks (RFC 3030 §2): exactly the announced count, taken verbatim. There is no
/// dot-stuffing and no end-of-data sequence, so "CR LF . CR LF" inside a chunk is plain content and the
/// smuggling checks of DATA do not apply. Size and line lengths run over the whole message, across chunks.
/// </summary>
public sealed class ChunkDecoder : IBodyDecoder
{
    private long _remaining;
    private int _lineLength; // octets since the last LF, a trailing CR included
    private bool _afterCr;

    public long Size { get; private set; }

    public int LongestLine { get; private set; }

    public bool SawBareLineEnding => false;

    public bool IsComplete => _remaining == 0;

    /// <summary>Starts a new message.</summary>
    public void Reset()
    {
        _remaining = 0;
        _lineLength = 0;
        _afterCr = false;
        Size = 0;
        LongestLine = 0;
    }

    /// <summary>Expects the next <paramref name="size"/> octets as the message's next chunk.</summary>
    public void StartChunk(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        _remaining = size;
    }

    public bool Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        var take = (int)Math.Min(input.Length, _remaining);
        var octets = input[..take];
        octets.CopyTo(output);
        MeasureLines(octets);
        _remaining -= take;
        Size += take;
        consumed = written = take;
        return IsComplete;
    }

    /// <summary>Line lengths for long-data-lines (RFC 5321 §4.5.3.1.6): an LF ends a line, a CR right before it is not counted.</summary>
    private void MeasureLines(ReadOnlySpan<byte> octets)
    {
        while (!octets.IsEmpty)
        {
            var lineFeed = octets.IndexOf((byte)'\n');
            var run = lineFeed < 0 ? octets : octets[..lineFeed];
            if (!run.IsEmpty)
            {
                _lineLength += run.Length;
                _afterCr = run[^1] == (byte)'\r';
            }
            if (lineFeed < 0)
                break;
            LongestLine = Math.Max(LongestLine, _lineLength - (_afterCr ? 1 : 0));
            _lineLength = 0;
            _afterCr = false;
            octets = octets[(lineFeed + 1)..];
        }
    }
}
