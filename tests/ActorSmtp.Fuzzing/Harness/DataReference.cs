namespace ActorSmtp.Fuzzing;

/// <summary>
/// A deliberately naive model of the DATA phase to check <see cref="ActorSmtp.Protocol.Data.DataDecoder"/> against:
/// a line starts after CR LF (or at the start, right after the DATA line); there a lone "." CR LF ends the
/// data and any other leading dot is dropped (RFC 5321 §4.5.2); a CR not followed by LF or an LF not
/// preceded by CR is bare.
/// </summary>
public static class DataReference
{
    public readonly record struct Outcome(bool Complete, int Consumed, byte[] Content, bool SawBareLineEnding);

    public static Outcome Decode(ReadOnlySpan<byte> input)
    {
        var content = new List<byte>(input.Length);
        var bare = false;
        var lineStart = true;
        var i = 0;
        while (i < input.Length)
        {
            if (lineStart && input[i] == (byte)'.')
            {
                if (i + 2 < input.Length + 0 && input[i + 1] == (byte)'\r' && input[i + 2] == (byte)'\n')
                    return new Outcome(true, i + 3, [.. content], bare);
                if (i + 2 == input.Length && input[i + 1] == (byte)'\r')
                    break; // ". CR" at the very end: could still become the terminator, so the CR is not content yet
                i++; // a stuffing dot
                lineStart = false;
                continue;
            }
            var b = input[i];
            content.Add(b);
            if (b == (byte)'\r' && i + 1 < input.Length && input[i + 1] != (byte)'\n')
                bare = true;
            if (b == (byte)'\n' && (i == 0 || input[i - 1] != (byte)'\r'))
                bare = true;
            lineStart = b == (byte)'\n' && i > 0 && input[i - 1] == (byte)'\r';
            i++;
        }
        return new Outcome(false, input.Length, [.. content], bare);
    }
}
