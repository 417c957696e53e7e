using System.Buffers;

namespace ActorSmtp.Protocol.Commands;

public enum LineStatus
{
    /// <summary>No complete line yet; nothing was consumed unless an over-long line is being discarded.</summary>
    NeedMore,
    /// <summary>A line ended by CR LF; the line excludes the CR LF.</summary>
    Line,
    /// <summary>A line longer than the limit ended; it was discarded whole and gets exactly one error reply.</summary>
    TooLong,
    /// <summary>A line ended by a bare LF; it must not be executed (SMTP smuggling, RFC 5321 §2.3.8).</summary>
    BareLineFeed,
}

/// <summary>
/// Frames command lines out of the byte stream. RFC 5321 §4.5.3.1.4 caps a command line at 512
/// octets including CR LF; longer input is dropped as it arrives, so the buffer a client can make
/// us hold never exceeds the limit however long the line is.
/// </summary>
public sealed class CommandLineReader(int maxLineLength = CommandLineReader.DefaultMaxLineLength)
{
    public const int DefaultMaxLineLength = 512;

    /// <summary>RFC 4954 §4: an AUTH command line, or a response in an AUTH exchange, may be 12 288 octets.</summary>
    public const int AuthLineLength = 12288;

    private bool _discarding;

    /// <summary>Set while an AUTH exchange waits for a response line, which may be as long as an AUTH line.</summary>
    public bool InAuthExchange { get; set; }

    /// <summary>Whether the reader is in the middle of dropping an over-long line.</summary>
    public bool IsDiscarding => _discarding;

    /// <summary>
    /// Reads the next line from <paramref name="reader"/>. On <see cref="LineStatus.NeedMore"/>
    /// the reader is left at the start of the incomplete line (or past dropped bytes).
    /// </summary>
    public LineStatus TryRead(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        line = default;
        var start = reader.Position;
        if (!reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
            return NoLineEnd(ref reader);

        var withLf = reader.Sequence.Slice(start, reader.Position);
        if (_discarding || (withLf.Length > maxLineLength && withLf.Length > LimitFor(withLf)))
        {
            _discarding = false;
            return LineStatus.TooLong;
        }

        if (withLf.Length < 2 || !EndsWithCarriageReturn(withLf))
            return LineStatus.BareLineFeed;

        line = withLf.Slice(0, withLf.Length - 2);
        return LineStatus.Line;
    }

    /// <summary>Forgets a partly discarded line (used when the input stream is replaced).</summary>
    public void Reset() => _discarding = false;

    private LineStatus NoLineEnd(ref SequenceReader<byte> reader)
    {
        // Without an LF in sight, anything at or past the limit can never become a valid line:
        // drop it now instead of buffering it, and remember to drop the rest up to the LF.
        if (_discarding || (reader.Remaining >= maxLineLength && reader.Remaining >= LimitFor(reader.UnreadSequence)))
        {
            _discarding = true;
            reader.AdvanceToEnd();
        }
        return LineStatus.NeedMore;
    }

    /// <summary>The limit for a line that already passed the ordinary one: only AUTH lines get more.</summary>
    private int LimitFor(in ReadOnlySequence<byte> line)
    {
        if (InAuthExchange)
            return AuthLineLength;
        // A configured limit under five octets leaves lines too short to hold "AUTH ".
        if (line.Length < 5)
            return maxLineLength;
        Span<byte> verb = stackalloc byte[5];
        line.Slice(0, verb.Length).CopyTo(verb);
        return System.Text.Ascii.EqualsIgnoreCase(verb, "AUTH "u8) ? AuthLineLength : maxLineLength;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> lineWithLf)
    {
        var crPosition = lineWithLf.GetPosition(lineWithLf.Length - 2);
        return lineWithLf.Slice(crPosition, 1).FirstSpan[0] == (byte)'\r';
    }
}
