using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.Protocol.Proxy;

/// <summary>
/// The text header of spec §2.1: "PROXY" SP ("TCP4" | "TCP6") SP src SP dst SP sport SP dport CR LF, or
/// "PROXY UNKNOWN" and anything up to CR LF; at most 107 octets. Validation is strict: single spaces,
/// addresses of the announced family, decimal ports 0-65535 without leading zeros.
/// </summary>
internal static class ProxyV1Parser
{
    public static ProxyHeaderResult Parse(in ReadOnlySequence<byte> input)
    {
        Span<byte> buffer = stackalloc byte[ProxyHeaderParser.V1MaxLength];
        var available = (int)Math.Min(input.Length, ProxyHeaderParser.V1MaxLength);
        input.Slice(0, available).CopyTo(buffer);
        ReadOnlySpan<byte> head = buffer[..available];

        var signatureSeen = Math.Min(available, ProxyHeaderParser.V1Signature.Length);
        if (!head[..signatureSeen].SequenceEqual(ProxyHeaderParser.V1Signature[..signatureSeen]))
            return ProxyHeaderResult.Invalid("bad PROXY v1 signature");

        var lf = head.IndexOf((byte)'\n');
        if (lf < 0)
            return available < ProxyHeaderParser.V1MaxLength
                ? ProxyHeaderResult.NeedMore
                : ProxyHeaderResult.Invalid("PROXY v1 line without CR LF within 107 octets");
        if (lf == 0 || head[lf - 1] != (byte)'\r')
            return ProxyHeaderResult.Invalid("PROXY v1 line not ended by CR LF");

        var length = lf + 1;
        var fields = head[ProxyHeaderParser.V1Signature.Length..(lf - 1)];
        var protocolEnd = fields.IndexOf((byte)' ');
        var protocol = protocolEnd < 0 ? fields : fields[..protocolEnd];

        // Spec §2.1: after UNKNOWN the receiver ignores everything up to CR LF and keeps the real endpoints.
        if (protocol.SequenceEqual("UNKNOWN"u8))
            return ProxyHeaderResult.Local(length, 1);

        var family = protocol.SequenceEqual("TCP4"u8) ? AddressFamily.InterNetwork
            : protocol.SequenceEqual("TCP6"u8) ? AddressFamily.InterNetworkV6
            : AddressFamily.Unknown;
        if (family == AddressFamily.Unknown || protocolEnd < 0)
            return ProxyHeaderResult.Invalid("PROXY v1 unknown protocol");

        var rest = fields[(protocolEnd + 1)..];
        if (!NextField(ref rest, out var sourceText) || !NextField(ref rest, out var destinationText) ||
            !NextField(ref rest, out var sourcePortText) || !LastField(rest, out var destinationPortText))
            return ProxyHeaderResult.Invalid("PROXY v1 wrong number of fields");
        if (!TryParseAddress(sourceText, family, out var source) || !TryParseAddress(destinationText, family, out var destination))
            return ProxyHeaderResult.Invalid("PROXY v1 bad address");
        if (!TryParsePort(sourcePortText, out var sourcePort) || !TryParsePort(destinationPortText, out var destinationPort))
            return ProxyHeaderResult.Invalid("PROXY v1 bad port");
        return ProxyHeaderResult.Proxied(length, 1, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
    }

    /// <summary>Takes a non-empty field followed by exactly one space.</summary>
    private static bool NextField(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        var space = rest.IndexOf((byte)' ');
        field = space > 0 ? rest[..space] : default;
        if (space <= 0)
            return false;
        rest = rest[(space + 1)..];
        return true;
    }

    private static bool LastField(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        field = rest;
        return !rest.IsEmpty && !rest.Contains((byte)' ');
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (family == AddressFamily.InterNetwork)
            return TryParseIpv4(text, out address);

        // RFC 4291 §2.2 text forms only: no zone index, no brackets, no prefix length.
        if (text.ContainsAnyExcept(Ipv6Characters) || !IPAddress.TryParse(text, out var parsed) ||
            parsed.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        address = parsed;
        return true;
    }

    private static readonly SearchValues<byte> Ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF:."u8);

    /// <summary>Dotted quad only: four decimal octets 0-255, no leading zeros (which some parsers read as octal).</summary>
    private static bool TryParseIpv4(ReadOnlySpan<byte> text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> octets = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var dot = text.IndexOf((byte)'.');
            var part = i < 3 ? (dot < 0 ? default : text[..dot]) : text;
            if (i < 3 && dot < 0 || !TryParseDecimal(part, 3, out var value) || value > 255)
                return false;
            octets[i] = (byte)value;
            text = i < 3 ? text[(dot + 1)..] : default;
        }
        address = new IPAddress(octets);
        return true;
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port) =>
        TryParseDecimal(text, 5, out port) && port <= ushort.MaxValue;

    private static bool TryParseDecimal(ReadOnlySpan<byte> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits || (text[0] == (byte)'0' && text.Length > 1))
            return false;
        foreach (var digit in text)
        {
            if (digit is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (digit - '0');
        }
        return true;
    }
}
