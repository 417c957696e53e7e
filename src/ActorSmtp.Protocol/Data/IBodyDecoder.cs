namespace ActorSmtp.Protocol.Data;

/// <summary>
/// Turns the octets of a message phase into message content, over input split anywhere: DATA's dot-unstuffing
/// (<see cref="DataDecoder"/>) or BDAT's counted chunks (<see cref="ChunkDecoder"/>). The connection feeds
/// either into the same body machinery and judges the same limits from these counters.
/// </summary>
public interface IBodyDecoder
{
    /// <summary>Message content produced so far, in octets.</summary>
    long Size { get; }

    /// <summary>The longest line seen, in octets, excluding its line ending.</summary>
    int LongestLine { get; }

    /// <summary>A bare CR or LF was seen where it could have ended DATA (SMTP smuggling); never set for BDAT.</summary>
    bool SawBareLineEnding { get; }

    /// <summary>The phase's input is complete: the terminator, or the chunk's last octet, was consumed.</summary>
    bool IsComplete { get; }

    /// <summary>
    /// Decodes from <paramref name="input"/> into <paramref name="output"/> (at least
    /// <see cref="DataDecoder.MaxOutputLength"/> of the input), stopping at the end of the phase.
    /// </summary>
    /// <returns>True when the phase is complete.</returns>
    bool Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written);
}
