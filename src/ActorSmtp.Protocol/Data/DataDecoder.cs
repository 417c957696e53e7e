namespace ActorSmtp.Protocol.Data;

/// <summary>
/// Decodes the DATA phase as a byte-level state machine: removes dot-stuffing (RFC 5321 §4.5.2),
/// finds the end of data and counts the size, over input split anywhere.
/// <para>
/// Only CR LF . CR LF ends the message (RFC 5321 §4.1.1.4). A bare CR or bare LF never ends a line,
/// so it can never start the terminator either; it is only recorded, and the caller refuses the
/// message once its real end has arrived (SMTP smuggling, CVE-2023-51764). Nothing is normalised:
/// the output is exactly the client's bytes minus stuffing dots and the terminator.
/// </para>
/// </summary>
public sealed class DataDecoder : IBodyDecoder
{
    private enum State
    {
        /// <summary>After CR LF (the DATA line's CR LF counts): a dot here is special.</summary>
        LineStart,
        /// <summary>Inside a line.</summary>
        InLine,
        /// <summary>After a CR inside a line, already written.</summary>
        AfterCr,
        /// <summary>After a dot at line start, dropped.</summary>
        AfterDot,
        /// <summary>After dot CR at line start; the CR is held back because LF would make it the terminator.</summary>
        AfterDotCr,
        Complete,
    }

    private State _state = State.LineStart;
    private int _lineLength;

    /// <summary>Bytes of message content produced so far (terminator and stuffing dots excluded).</summary>
    public long Size { get; private set; }

    /// <summary>True once a CR not followed by LF, or an LF not preceded by CR, was seen.</summary>
    public bool SawBareLineEnding { get; private set; }

    /// <summary>The longest line seen, in octets, excluding CR LF and any stuffing dot.</summary>
    public int LongestLine { get; private set; }

    public bool IsComplete => _state == State.Complete;

    /// <summary>Decode output never exceeds input by more than the one held-back CR.</summary>
    public static int MaxOutputLength(int inputLength) => inputLength + 1;

    /// <summary>Starts a new message.</summary>
    public void Reset()
    {
        _state = State.LineStart;
        _lineLength = 0;
        Size = 0;
        SawBareLineEnding = false;
        LongestLine = 0;
    }

    /// <summary>
    /// Decodes from <paramref name="input"/> into <paramref name="output"/> (at least
    /// <see cref="MaxOutputLength"/> of the input). Stops right after the terminator, so
    /// <paramref name="consumed"/> may be less than the input; the rest belongs to the next command.
    /// </summary>
    /// <returns>True when the end of data was reached.</returns>
    public bool Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        if (output.Length < MaxOutputLength(input.Length))
            throw new ArgumentException("Output must hold the input plus one byte.", nameof(output));
        var i = 0;
        var o = 0;
        while (i < input.Length && _state != State.Complete)
        {
            if (_state == State.InLine)
            {
                i = CopyLineRun(input, i, output, ref o);
                continue;
            }
            Step(input[i++], output, ref o);
        }
        consumed = i;
        written = o;
        Size += o;
        return _state == State.Complete;
    }

    /// <summary>Copies plain line bytes up to the next CR or LF in one block, then handles that byte.</summary>
    private int CopyLineRun(ReadOnlySpan<byte> input, int i, Span<byte> output, ref int o)
    {
        var rest = input[i..];
        var run = rest.IndexOfAny((byte)'\r', (byte)'\n');
        if (run < 0)
            run = rest.Length;
        rest[..run].CopyTo(output[o..]);
        o += run;
        _lineLength += run;
        i += run;
        if (i < input.Length)
            Step(input[i++], output, ref o);
        return i;
    }

    private void Step(byte b, Span<byte> output, ref int o)
    {
        switch (_state)
        {
            case State.LineStart when b == (byte)'.':
                _state = State.AfterDot;
                return;
            case State.AfterDot when b == (byte)'\r':
                _state = State.AfterDotCr;
                return;
            case State.AfterDotCr when b == (byte)'\n':
                _state = State.Complete;
                return;
            case State.AfterDotCr:
                // ". CR x": the CR was not the terminator after all; it is a bare CR inside the line.
                SawBareLineEnding = true;
                output[o++] = (byte)'\r';
                _lineLength++;
                _state = State.InLine;
                Step(b, output, ref o);
                return;
            case State.AfterCr when b == (byte)'\n':
                output[o++] = b;
                EndLine();
                return;
            case State.AfterCr:
                SawBareLineEnding = true; // the previous CR was bare
                _state = State.InLine;
                Step(b, output, ref o);
                return;
        }

        // LineStart without a dot, AfterDot without CR, and InLine all treat b as line content.
        output[o++] = b;
        if (b == (byte)'\r')
        {
            _state = State.AfterCr;
            return;
        }
        if (b == (byte)'\n')
            SawBareLineEnding = true; // an LF without CR never ends a line
        _lineLength++;
        _state = State.InLine;
    }

    private void EndLine()
    {
        if (_lineLength > LongestLine)
            LongestLine = _lineLength;
        _lineLength = 0;
        _state = State.LineStart;
    }
}
