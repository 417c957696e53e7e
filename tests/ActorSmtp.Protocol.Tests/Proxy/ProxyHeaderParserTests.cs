using System.Buffers.Binary;
using System.Net;
using System.Text;
using ActorSmtp.Fuzzing;
using ActorSmtp.Protocol.Proxy;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Proxy;

public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] Smtp = "EHLO client.test\r\n"u8.ToArray();

    private static byte[] A(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] V2(byte versionCommand, byte family, byte[] block) =>
        [.. ProxyHeaderParser.V2Signature, versionCommand, family, (byte)(block.Length >> 8), (byte)block.Length, .. block];

    private static byte[] Ipv4Block(string source, ushort sourcePort, string destination, ushort destinationPort, byte[]? tlvs = null) =>
        [.. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes(), .. Port(sourcePort), .. Port(destinationPort), .. tlvs ?? []];

    private static byte[] Ipv6Block(string source, ushort sourcePort, string destination, ushort destinationPort, byte[]? tlvs = null) =>
        Ipv4Block(source, sourcePort, destination, destinationPort, tlvs);

    private static byte[] Port(ushort port)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, port);
        return bytes;
    }

    private static byte[] Tlv(byte type, byte[] value) => [type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    private static ProxyHeaderResult Parse(byte[] input, ProxyProtocolVersions versions = ProxyProtocolVersions.Any, int max = ProxyHeaderParser.DefaultMaxV2Length) =>
        ProxyHeaderParser.Parse(Sequences.Of(input), versions, max);

    /// <summary>
    /// The same answer for the header followed by SMTP in one segment, in two at every offset, and byte by byte;
    /// every proper prefix of the header is NeedMore.
    /// </summary>
    private static ProxyHeaderResult ParseEverySplit(byte[] header, ProxyProtocolVersions versions = ProxyProtocolVersions.Any)
    {
        byte[] input = [.. header, .. Smtp];
        var whole = Parse(input, versions);
        for (var split = 1; split < input.Length; split++)
            Assert.Equal(whole, ProxyHeaderParser.Parse(Sequences.SplitAt(input, split), versions));
        Assert.Equal(whole, ProxyHeaderParser.Parse(Sequences.SplitAt(input, [.. Enumerable.Range(1, input.Length - 1)]), versions));
        if (whole.Status == ProxyHeaderStatus.Parsed)
        {
            Assert.Equal(header.Length, whole.Length);
            for (var prefix = 0; prefix < header.Length; prefix++)
                Assert.Equal(ProxyHeaderStatus.NeedMore, Parse(header[..prefix], versions).Status);
            Assert.Equal(whole, Parse(header, versions));
        }
        return whole;
    }

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "192.168.0.1:56324", "192.168.0.11:443")]
    [InlineData("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n", "0.0.0.0:0", "255.255.255.255:65535")]
    [InlineData("PROXY TCP6 2001:db8::1 ::1 1 25\r\n", "[2001:db8::1]:1", "[::1]:25")]
    [InlineData("PROXY TCP6 ::ffff:10.0.0.1 FE80::A 65535 587\r\n", "[::ffff:10.0.0.1]:65535", "[fe80::a]:587")]
    [InlineData("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]
    public void V1_tcp_headers_parse_at_every_split(string header, string source, string destination)
    {
        foreach (var versions in new[] { ProxyProtocolVersions.V1, ProxyProtocolVersions.Any })
        {
            var result = ParseEverySplit(A(header), versions);
            Assert.Equal(ProxyHeaderStatus.Parsed, result.Status);
            Assert.Equal(1, result.Version);
            Assert.False(result.IsLocal);
            Assert.Equal(IPEndPoint.Parse(source), result.Source);
            Assert.Equal(IPEndPoint.Parse(destination), result.Destination);
        }
    }

    [Fact]
    public void The_longest_v1_header_is_107_octets()
    {
        var header = A("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n");
        Assert.Equal(ProxyHeaderParser.V1MaxLength, header.Length);
        Assert.Equal(ProxyHeaderStatus.Parsed, Parse(header).Status);
        Assert.Equal(ProxyHeaderStatus.Parsed, Parse(A("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n")).Status);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n")]
    [InlineData("PROXY UNKNOWN anything at all, ignored\r\n")]
    public void V1_unknown_keeps_the_connection_endpoints(string header)
    {
        var result = ParseEverySplit(A(header));
        Assert.Equal(ProxyHeaderStatus.Parsed, result.Status);
        Assert.True(result.IsLocal);
        Assert.Null(result.Source);
        Assert.Null(result.Destination);
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "bare LF")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n", "CR CR LF")]
    [InlineData("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "double space")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", "trailing space")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "missing port")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "extra field")]
    [InlineData("PROXY TCP4\r\n", "no fields")]
    [InlineData("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n", "lower-case protocol")]
    [InlineData("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "unknown protocol")]
    [InlineData("PROXY UNKNOWNX\r\n", "UNKNOWN with a suffix")]
    [InlineData("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "two spaces after PROXY")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "port too big")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n", "port with a leading zero")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "negative port")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 +2\r\n", "signed port")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 123456 2\r\n", "six-digit port")]
    [InlineData("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", "octet over 255")]
    [InlineData("PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n", "octet with a leading zero")]
    [InlineData("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", "three octets")]
    [InlineData("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n", "five octets")]
    [InlineData("PROXY TCP4 0x7f.0.0.1 5.6.7.8 1 2\r\n", "hex octet")]
    [InlineData("PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "IPv6 address under TCP4")]
    [InlineData("PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "IPv4 address under TCP6")]
    [InlineData("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", "zone index")]
    [InlineData("PROXY TCP6 [::1] ::1 1 2\r\n", "brackets")]
    [InlineData("PROXY TCP6 1::2::3 ::1 1 2\r\n", "two double colons")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\0\r\n", "NUL")]
    public void Malformed_v1_headers_are_invalid(string header, string why)
    {
        var result = ParseEverySplit(A(header));
        Assert.True(result.Status == ProxyHeaderStatus.Invalid, why);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void V1_without_crlf_within_107_octets_is_invalid_and_nothing_more_is_awaited()
    {
        var endless = A("PROXY TCP4 1.2.3.4 5.6.7.8 1 2" + new string(' ', 200));
        Assert.Equal(ProxyHeaderStatus.NeedMore, Parse(endless[..106]).Status);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(endless[..107]).Status);
        var longUnknown = A("PROXY UNKNOWN " + new string('x', 92) + "\r\n");
        Assert.Equal(108, longUnknown.Length);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(longUnknown).Status);
    }

    [Fact]
    public void V2_tcp4_parses_at_every_split()
    {
        var result = ParseEverySplit(V2(0x21, 0x11, Ipv4Block("10.0.0.1", 40000, "10.0.0.2", 25)));
        Assert.Equal(ProxyHeaderStatus.Parsed, result.Status);
        Assert.Equal(2, result.Version);
        Assert.Equal(16 + 12, result.Length);
        Assert.Equal(IPEndPoint.Parse("10.0.0.1:40000"), result.Source);
        Assert.Equal(IPEndPoint.Parse("10.0.0.2:25"), result.Destination);
    }

    [Fact]
    public void V2_tcp6_with_tlvs_parses_at_every_split_and_skips_them()
    {
        byte[] tlvs = [.. Tlv(0x02, "mx.example.com"u8.ToArray()), .. Tlv(0x04, []), .. Tlv(0x20, [0x07, 0, 0, 0, 0, .. Tlv(0x21, "TLSv1.3"u8.ToArray())])];
        var header = V2(0x21, 0x21, Ipv6Block("2001:db8::7", 1, "2001:db8::25", 587, tlvs));
        var result = ParseEverySplit(header, ProxyProtocolVersions.V2);
        Assert.Equal(ProxyHeaderStatus.Parsed, result.Status);
        Assert.Equal(header.Length, result.Length);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::7]:1"), result.Source);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::25]:587"), result.Destination);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x11)]
    [InlineData(0x12)]
    [InlineData(0xFF)]
    public void V2_local_is_the_proxys_own_connection_whatever_the_family(byte family)
    {
        var result = ParseEverySplit(V2(0x20, family, family == 0x11 ? Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2) : []));
        Assert.Equal(ProxyHeaderStatus.Parsed, result.Status);
        Assert.True(result.IsLocal);
        Assert.Null(result.Source);
    }

    [Fact]
    public void V2_unspec_and_unix_carry_no_ip_address()
    {
        var unspec = ParseEverySplit(V2(0x21, 0x00, "whatever"u8.ToArray()));
        Assert.Equal(ProxyHeaderStatus.Parsed, unspec.Status);
        Assert.False(unspec.IsLocal);
        Assert.Null(unspec.Source);

        var unix = ParseEverySplit(V2(0x21, 0x31, new byte[216]));
        Assert.Equal(ProxyHeaderStatus.Parsed, unix.Status);
        Assert.Null(unix.Destination);
    }

    public static TheoryData<string, byte[]> MalformedV2 => new()
    {
        { "version 1 in the binary header", V2(0x11, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2)) },
        { "version 3", V2(0x31, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2)) },
        { "command 2", V2(0x22, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2)) },
        { "UDP over IPv4", V2(0x21, 0x12, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2)) },
        { "UDP over IPv6", V2(0x21, 0x22, new byte[36]) },
        { "unix datagram", V2(0x21, 0x32, new byte[216]) },
        { "unknown family", V2(0x21, 0x41, new byte[36]) },
        { "family with unspecified protocol", V2(0x21, 0x10, new byte[12]) },
        { "IPv4 block too short", V2(0x21, 0x11, new byte[11]) },
        { "IPv6 block too short", V2(0x21, 0x21, new byte[35]) },
        { "unix block too short", V2(0x21, 0x31, new byte[215]) },
        { "TLV header cut short", V2(0x21, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2, [0x02, 0x00])) },
        { "TLV value past the block", V2(0x21, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2, [0x02, 0x00, 0x05, 0x61])) },
        { "bad signature", [.. V2(0x21, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2))[..11], 0x0B, .. new byte[16]] },
        { "signature wrong at its fifth octet", [0x0D, 0x0A, 0x0D, 0x0A, 0x0D] },
    };

    [Theory]
    [MemberData(nameof(MalformedV2))]
    public void Malformed_v2_headers_are_invalid(string why, byte[] header)
    {
        var result = ParseEverySplit(header);
        Assert.True(result.Status == ProxyHeaderStatus.Invalid, why);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void V2_length_over_the_cap_is_invalid_as_soon_as_it_is_known()
    {
        var header = V2(0x21, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2, Tlv(0x04, new byte[5000])));
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(header[..16]).Status);
        Assert.Equal(ProxyHeaderStatus.NeedMore, Parse(header[..16], max: ProxyHeaderParser.MaxMaxV2Length).Status);
        Assert.Equal(ProxyHeaderStatus.Parsed, Parse(header, max: ProxyHeaderParser.MaxMaxV2Length).Status);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(V2(0x21, 0x31, new byte[217])[..16], max: ProxyHeaderParser.MinMaxV2Length).Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => Parse(header, max: ProxyHeaderParser.MinMaxV2Length - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Parse(header, max: ProxyHeaderParser.MaxMaxV2Length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Parse(header, (ProxyProtocolVersions)0));
    }

    [Fact]
    public void Truncated_headers_need_more_and_an_empty_input_too()
    {
        Assert.Equal(ProxyHeaderStatus.NeedMore, Parse([]).Status);
        Assert.Equal(ProxyHeaderStatus.NeedMore, Parse(A("PROX")).Status);
        Assert.Equal(ProxyHeaderStatus.NeedMore, Parse(A("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r")).Status);
        Assert.Equal(ProxyHeaderStatus.NeedMore, Parse(V2(0x21, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2))[..27]).Status);
    }

    [Theory]
    [InlineData(ProxyProtocolVersions.V1)]
    [InlineData(ProxyProtocolVersions.V2)]
    [InlineData(ProxyProtocolVersions.Any)]
    public void An_smtp_command_instead_of_a_header_is_invalid_at_the_first_octet(ProxyProtocolVersions versions)
    {
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(Smtp, versions).Status);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(Smtp[..1], versions).Status);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(A("POST / HTTP/1.1\r\n"), versions).Status);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse([0x16, 0x03, 0x01, 0x02, 0x00], versions).Status); // a TLS ClientHello
    }

    [Fact]
    public void Only_the_accepted_version_parses()
    {
        var v1 = A("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n");
        var v2 = V2(0x21, 0x11, Ipv4Block("1.1.1.1", 1, "2.2.2.2", 2));
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(v1, ProxyProtocolVersions.V2).Status);
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(v2, ProxyProtocolVersions.V1).Status);
        Assert.Equal(ProxyHeaderStatus.Parsed, Parse(v1, ProxyProtocolVersions.V1).Status);
        Assert.Equal(ProxyHeaderStatus.Parsed, Parse(v2, ProxyProtocolVersions.V2).Status);
    }

    [Fact]
    public void Garbage_is_invalid()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            if (garbage[0] is (byte)'P' or 0x0D)
                garbage[0] = (byte)'X';
            Assert.Equal(ProxyHeaderStatus.Invalid, Parse(garbage).Status);
        }
    }
}
