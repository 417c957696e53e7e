using ActorSmtp.Protocol.Session;

namespace ActorSmtp.Protocol.Commands;

/// <summary>The arguments of BDAT (RFC 3030 §2): <c>chunk-size [SP "LAST"]</c>, chunk-size = 1*DIGIT.</summary>
internal static class BdatArguments
{
    /// <summary>True when well-formed. <paramref name="sizeKnown"/>: the size could be read, so the octets can be skipped.</summary>
    public static bool TryParse(ReadOnlySpan<byte> argument, out BdatChunk chunk, out bool sizeKnown)
    {
        chunk = default;
        var rest = argument.Trim((byte)' ');
        var space = rest.IndexOf((byte)' ');
        var sizeText = space < 0 ? rest : rest[..space];
        var marker = space < 0 ? [] : rest[(space + 1)..].TrimStart((byte)' ');
        sizeKnown = TryReadSize(sizeText, out var size);
        if (!sizeKnown)
            return false;
        var last = System.Text.Ascii.EqualsIgnoreCase(marker, "LAST"u8);
        chunk = new BdatChunk(size, last);
        return marker.IsEmpty || last;
    }

    private static bool TryReadSize(ReadOnlySpan<byte> digits, out long size)
    {
        size = 0;
        if (digits.IsEmpty)
            return false;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9' || size > (long.MaxValue - (digit - '0')) / 10)
                return false;
            size = size * 10 + (digit - '0');
        }
        return true;
    }
}
