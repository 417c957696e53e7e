using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using ActorSmtp.Fuzzing;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Protocol.Session;
using CsCheck;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Fuzzing;

/// <summary>
/// Property tests (CsCheck) over arbitrary byte streams in arbitrary pieces: reliability anchors §11.3 —
/// no exception escapes, memory stays bounded, each complete command line gets exactly one reply — plus
/// the DATA decoder against a reference un-stuffer and the PROXY parser round trip.
/// </summary>
public sealed class ProtocolPropertyTests
{
    private static byte[] A(string text) => Encoding.UTF8.GetBytes(text);

    private static readonly string GoodPlain = Convert.ToBase64String(A("\0alice\0good"));

    /// <summary>Pieces of SMTP, DATA, BDAT and framing trouble; with raw random bytes between them.</summary>
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "EHLO c\r\n", "HELO c\r\n", "MAIL FROM:<a@b.test>\r\n", "MAIL FROM:<> SIZE=10\r\n", "RCPT TO:<r@x.test>\r\n",
            "RCPT TO:<r@y.test>\r\n", "DATA\r\n", ".\r\n", "..\r\n", "\r\n", "\n", "\r", ".", "\r\n.\r\n", "\n.\n", "\r.\r",
            $"AUTH PLAIN {GoodPlain}\r\n", "AUTH PLAIN\r\n", "AUTH LOGIN\r\n", "YWxpY2U=\r\n", "Z29vZA==\r\n", "*\r\n",
            "STARTTLS\r\n", "NOOP\r\n", "RSET\r\n", "VRFY x\r\n", "QUIT\r\n", "GET / HTTP/1.1\r\n", "Host: x\r\n", "\0",
            "AUTH ", "Subject: x\r\n", "body text ",
            "BDAT 5\r\n", "BDAT 3 LAST\r\n", "BDAT 0 LAST\r\n", "BDAT 12 MORE\r\n", "BDAT 2000\r\n", "BDAT x\r\n",
        }.Select(A),
        A(new string('A', 600)), A("AUTH PLAIN " + new string('Q', 12_000)),
    ];

    private static readonly Gen<byte[]> Chunk = Gen.Frequency(
        (4, Gen.OneOf(Tokens.Select(Gen.Const).ToArray())),
        (1, Gen.Byte.Array[1, 12]));

    private static readonly Gen<byte[]> Stream = Chunk.Array[0, 40].Select(chunks => chunks.SelectMany(c => c).ToArray());

    private static readonly Gen<int[]> Pieces = Gen.Int[1, 80].Array[1, 6];

    [Fact]
    public void Arbitrary_streams_in_arbitrary_pieces_give_the_same_replies_and_hold_bounded_memory()
    {
        Gen.Select(Stream, Pieces).Sample((input, pieces) =>
        {
            var whole = new SessionDriver(SessionDriver.FuzzOptions).Run(input, [Math.Max(1, input.Length)]);
            var split = new SessionDriver(SessionDriver.FuzzOptions).Run(input, pieces);
            Assert.True(whole.SameOutcome(split), "the replies depend on the split");
            Assert.True(split.MaxHeld < SessionDriver.HeldLimit);
        }, iter: 600);
    }

    [Fact]
    public void Random_bytes_never_escape_an_exception()
    {
        Gen.Select(Gen.Byte.Array[0, 2000], Pieces).Sample((input, pieces) =>
        {
            new SessionDriver(SessionDriver.FuzzOptions).Run(input, pieces);
            new SessionDriver(SessionDriver.FuzzOptions, secure: true).Run(input, pieces);
        }, iter: 300);
    }

    /// <summary>Without DATA and STARTTLS (which consume lines as message or restart), every LF ends one line and gets one reply.</summary>
    [Fact]
    public void Every_complete_command_line_gets_exactly_one_reply()
    {
        string[] commands =
        [
            "EHLO c", "HELO c", "MAIL FROM:<a@b.test>", "RCPT TO:<r@x.test>", "RSET", "NOOP", "VRFY x", "HELP", "EXPN x", "FOO",
            "", "AUTH PLAIN", "AUTH LOGIN", "YWxpY2U=", "*", $"AUTH PLAIN {GoodPlain}", "MAIL FROM:<a@b.test> SIZE=99999", "NO\0OP",
            new string('x', 700), "AUTH PLAIN " + new string('Q', 5000),
        ];
        var line = Gen.Select(Gen.OneOf(commands), Gen.OneOf("\r\n", "\n", "\r\r\n"), (c, end) => c + end);
        var options = new SmtpSessionOptions("mx.test", maxErrors: 10_000, auth: AuthMode.Optional, allowInsecureAuth: true,
            maxAuthFailures: 10_000, maxJunkCommands: 10_000);
        Gen.Select(line.Array[0, 60], Pieces).Sample((lines, pieces) =>
        {
            var input = A(string.Concat(lines));
            var driver = new SessionDriver(options).Run(input, pieces);
            Assert.False(driver.IsClosed);
            var lineFeeds = input.Count(b => b == (byte)'\n');
            Assert.Equal(lineFeeds, driver.LinesFramed);
            Assert.Equal(lineFeeds, driver.Replies.Count);
        }, iter: 400);
    }

    [Fact]
    public void The_line_reader_never_holds_more_than_its_cap()
    {
        var noLineFeeds = Gen.Frequency((3, Gen.Byte[0, 9]), (3, Gen.Byte[11, 255]), (1, Gen.Const((byte)'\r'))).Array[0, 30_000];
        var prefix = Gen.OneOf("", "AUTH ", "NOOP ");
        Gen.Select(prefix, noLineFeeds, Gen.Int[1, 4096], Gen.Bool).Sample((start, body, piece, inAuth) =>
        {
            byte[] input = [.. A(start), .. body, .. "\r\n"u8];
            var reader = new CommandLineReader { InAuthExchange = inAuth };
            var cap = inAuth || start == "AUTH " ? CommandLineReader.AuthLineLength : CommandLineReader.DefaultMaxLineLength;
            byte[] held = [];
            var framed = new List<LineStatus>();
            for (var offset = 0; offset < input.Length; offset += piece)
            {
                var sequence = Sequences.Of(held, input.AsMemory(offset, Math.Min(piece, input.Length - offset)));
                var sequenceReader = new SequenceReader<byte>(sequence);
                LineStatus status;
                while ((status = reader.TryRead(ref sequenceReader, out _)) != LineStatus.NeedMore)
                    framed.Add(status);
                held = sequence.Slice(sequenceReader.Position).ToArray();
                Assert.True(held.Length < cap, $"held {held.Length} octets, cap {cap}");
            }
            Assert.Single(framed);
            Assert.Equal(input.Length <= cap ? LineStatus.Line : LineStatus.TooLong, framed[0]);
        }, iter: 200);
    }

    private static readonly Gen<byte[]> DataBytes =
        Gen.OneOf(Gen.Const((byte)'\r'), Gen.Const((byte)'\n'), Gen.Const((byte)'.'), Gen.Const((byte)'a'), Gen.Const((byte)0), Gen.Byte)
            .Array[0, 400];

    [Fact]
    public void Data_decoder_output_equals_the_reference_unstuffing_whatever_the_split()
    {
        Gen.Select(DataBytes, Gen.Int[1, 50].Array[1, 5]).Sample((input, pieces) =>
        {
            var expected = DataReference.Decode(input);
            var actual = FuzzTargets.DecodeInPieces(input, pieces);
            Assert.Equal(expected.Complete, actual.Complete);
            Assert.Equal(expected.Consumed, actual.Consumed);
            Assert.Equal(expected.Content, actual.Content);
            Assert.Equal(expected.SawBareLineEnding, actual.SawBareLineEnding);
        }, iter: 2000);
    }

    [Fact]
    public void Smuggling_flags_and_the_end_of_data_do_not_move_when_the_input_is_split_differently()
    {
        Gen.Select(DataBytes, Gen.Int[1, 50].Array[1, 5], Gen.Int[1, 50].Array[1, 5]).Sample((input, first, second) =>
        {
            var a = FuzzTargets.DecodeInPieces(input, first);
            var b = FuzzTargets.DecodeInPieces(input, second);
            Assert.Equal((a.Complete, a.Consumed, a.SawBareLineEnding), (b.Complete, b.Consumed, b.SawBareLineEnding));
            Assert.Equal(a.Content, b.Content);
        }, iter: 1000);
    }

    [Fact]
    public void Proxy_v1_and_v2_headers_round_trip_at_any_split()
    {
        var ipv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));
        var ipv6 = Gen.Byte.Array[16].Select(b => new IPAddress(b));
        var port = Gen.Int[0, 65535];
        Gen.Select(Gen.Bool, ipv4, ipv6, port, port, Gen.Bool, Gen.Int[0, 200]).Sample((v6, a4, a6, sourcePort, destinationPort, text, splitSeed) =>
        {
            var source = new IPEndPoint(v6 ? a6 : a4, sourcePort);
            var destination = new IPEndPoint(v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, destinationPort);
            var header = text ? V1(source, destination) : V2(source, destination);
            byte[] input = [.. header, .. "EHLO c\r\n"u8];
            var split = 1 + splitSeed % (input.Length - 1);
            var result = ProxyHeaderParser.Parse(Sequences.SplitAt(input, split));
            Assert.Equal(ProxyHeaderStatus.Parsed, result.Status);
            Assert.Equal(header.Length, result.Length);
            Assert.Equal(source, result.Source);
            Assert.Equal(destination, result.Destination);
        }, iter: 1000);
    }

    private static byte[] V1(IPEndPoint source, IPEndPoint destination) =>
        Encoding.ASCII.GetBytes($"PROXY {(source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "TCP4" : "TCP6")} " +
                                $"{source.Address} {destination.Address} {source.Port} {destination.Port}\r\n");

    private static byte[] V2(IPEndPoint source, IPEndPoint destination)
    {
        var v4 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var ports = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(ports, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(ports.AsSpan(2), (ushort)destination.Port);
        byte[] block = [.. source.Address.GetAddressBytes(), .. destination.Address.GetAddressBytes(), .. ports];
        return [.. ProxyHeaderParser.V2Signature, 0x21, (byte)(v4 ? 0x11 : 0x21), 0, (byte)block.Length, .. block];
    }
}
