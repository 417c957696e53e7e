using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace ActorSmtp.Protocol.Proxy;

/// <summary>
/// Parses the PROXY protocol header (HAProxy proxy-protocol.txt, versions 1 and 2) that a load balancer
/// sends before the first SMTP octet. Pure and stateless: give it everything received so far, starting at
/// the first octet of the connection, however it was split; it answers NeedMore, Parsed or Invalid.
/// <para>
/// Memory is bounded: NeedMore is only ever returned while the input is shorter than the longest header
/// still possible (107 octets for v1, the declared length for v2, at most <c>maxV2Length</c>), so a
/// caller that keeps what it received and parses again never holds more than that. Apart from the
/// result's addresses nothing is allocated.
/// </para>
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>Spec §2.1: a v1 line is at most 107 octets, CR LF included.</summary>
    public const int V1MaxLength = 107;

    /// <summary>Spec §2.2: signature (12), version and command, family and protocol, length (2).</summary>
    public const int V2FixedLength = 16;

    /// <summary>The v2 header length allowed unless the caller says otherwise: addresses plus a few TLVs.</summary>
    public const int DefaultMaxV2Length = 4096;

    /// <summary>Spec §2.2: the longest address block (AF_UNIX, two 108-octet paths) must fit.</summary>
    public const int MinMaxV2Length = V2FixedLength + UnixAddressLength;

    /// <summary>Spec §2.2: the length field is 16 bits.</summary>
    public const int MaxMaxV2Length = V2FixedLength + ushort.MaxValue;

    private const int Ipv4AddressLength = 12, Ipv6AddressLength = 36, UnixAddressLength = 216;

    /// <summary>Spec §2.2: "\r\n\r\n\0\r\nQUIT\n", which no v1 header or SMTP command can start with.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    internal static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    /// <summary>Parses the header at the start of <paramref name="input"/>.</summary>
    /// <param name="input">Every octet received on the connection so far (or more: only the header is read).</param>
    /// <param name="accepted">The versions this listener accepts; the other version is Invalid.</param>
    /// <param name="maxV2Length">Longest v2 header accepted, TLVs included; a longer declared length is Invalid at once.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxV2Length"/> is below
    /// <see cref="MinMaxV2Length"/> or above <see cref="MaxMaxV2Length"/>, or <paramref name="accepted"/> names no version.</exception>
    public static ProxyHeaderResult Parse(in ReadOnlySequence<byte> input, ProxyProtocolVersions accepted = ProxyProtocolVersions.Any,
        int maxV2Length = DefaultMaxV2Length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxV2Length, MinMaxV2Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxV2Length, MaxMaxV2Length);
        if ((accepted & ProxyProtocolVersions.Any) == 0 || (accepted & ~ProxyProtocolVersions.Any) != 0)
            throw new ArgumentOutOfRangeException(nameof(accepted), accepted, "Accept V1, V2 or Any.");
        if (input.IsEmpty)
            return ProxyHeaderResult.NeedMore;

        // Spec §2: the first octet tells the versions apart ('P' or CR); anything else is not a PROXY header.
        var first = input.FirstSpan[0];
        if (first == V1Signature[0] && (accepted & ProxyProtocolVersions.V1) != 0)
            return ProxyV1Parser.Parse(input);
        if (first == V2Signature[0] && (accepted & ProxyProtocolVersions.V2) != 0)
            return ParseV2(input, maxV2Length);
        return ProxyHeaderResult.Invalid(accepted switch
        {
            ProxyProtocolVersions.V1 => "not a PROXY v1 header",
            ProxyProtocolVersions.V2 => "not a PROXY v2 header",
            _ => "not a PROXY header",
        });
    }

    private static ProxyHeaderResult ParseV2(in ReadOnlySequence<byte> input, int maxLength)
    {
        Span<byte> fixedPart = stackalloc byte[V2FixedLength];
        var available = (int)Math.Min(input.Length, V2FixedLength);
        input.Slice(0, available).CopyTo(fixedPart);
        var signatureSeen = Math.Min(available, V2Signature.Length);
        if (!fixedPart[..signatureSeen].SequenceEqual(V2Signature[..signatureSeen]))
            return ProxyHeaderResult.Invalid("bad PROXY v2 signature");
        if (available < V2FixedLength)
            return available > V2Signature.Length ? CheckVersion(fixedPart[12]) : ProxyHeaderResult.NeedMore;

        if (CheckVersion(fixedPart[12]) is { Status: ProxyHeaderStatus.Invalid } badVersion)
            return badVersion;
        var addressLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        var length = V2FixedLength + addressLength;
        if (length > maxLength)
            return ProxyHeaderResult.Invalid("PROXY v2 header too long");
        if (input.Length < length)
            return ProxyHeaderResult.NeedMore;

        // Spec §2.2: LOCAL means the proxy's own connection; its address block is skipped unread.
        if ((fixedPart[12] & 0x0F) == 0)
            return ProxyHeaderResult.Local(length, 2);
        var block = input.Slice(V2FixedLength, addressLength);
        return fixedPart[13] switch
        {
            0x00 => ProxyHeaderResult.Proxied(length, 2, null, null), // AF_UNSPEC: unknown protocol, keep the real endpoints
            0x11 => Addresses(block, length, Ipv4AddressLength),
            0x21 => Addresses(block, length, Ipv6AddressLength),
            0x31 => addressLength < UnixAddressLength ? TooShort
                : Tlvs(block.Slice(UnixAddressLength)) ? ProxyHeaderResult.Proxied(length, 2, null, null) : BadTlv,
            0x12 or 0x22 or 0x32 => ProxyHeaderResult.Invalid("PROXY v2 datagram protocol on a stream listener"),
            _ => ProxyHeaderResult.Invalid("PROXY v2 unknown address family or protocol"),
        };
    }

    private static readonly ProxyHeaderResult TooShort = ProxyHeaderResult.Invalid("PROXY v2 address block too short");
    private static readonly ProxyHeaderResult BadTlv = ProxyHeaderResult.Invalid("PROXY v2 malformed TLV");

    /// <summary>Spec §2.2: the high nibble must be 2; the command LOCAL (0) or PROXY (1).</summary>
    private static ProxyHeaderResult CheckVersion(byte versionAndCommand) =>
        (versionAndCommand >> 4) != 2 ? ProxyHeaderResult.Invalid("PROXY v2 unsupported version")
        : (versionAndCommand & 0x0F) > 1 ? ProxyHeaderResult.Invalid("PROXY v2 unknown command")
        : ProxyHeaderResult.NeedMore;

    private static ProxyHeaderResult Addresses(in ReadOnlySequence<byte> block, int length, int size)
    {
        if (block.Length < size)
            return TooShort;
        Span<byte> raw = stackalloc byte[Ipv6AddressLength];
        raw = raw[..size];
        block.Slice(0, size).CopyTo(raw);
        if (!Tlvs(block.Slice(size)))
            return BadTlv;
        var addressSize = (size - 4) / 2;
        var source = new IPEndPoint(new IPAddress(raw[..addressSize]), BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * addressSize)..]));
        var destination = new IPEndPoint(new IPAddress(raw[addressSize..(2 * addressSize)]),
            BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * addressSize + 2)..]));
        return ProxyHeaderResult.Proxied(length, 2, source, destination);
    }

    /// <summary>Spec §2.2.7: type (1), length (2, big endian), value; they must tile the rest of the block exactly.</summary>
    private static bool Tlvs(ReadOnlySequence<byte> rest)
    {
        var reader = new SequenceReader<byte>(rest);
        while (!reader.End)
        {
            if (!reader.TryRead(out _) || !reader.TryReadBigEndian(out short valueLength))
                return false;
            var skip = (ushort)valueLength;
            if (reader.Remaining < skip)
                return false;
            reader.Advance(skip);
        }
        return true;
    }
}
