using Xunit;
using System.Buffers;
using System.Text;
using ActorSmtp.Protocol.Commands;

namespace ActorSmtp.Protocol.Tests.Commands;

public sealed class CommandLineReaderTests
{
    /// <summary>Feeds the bytes in pieces the way a pipe would: unconsumed bytes are presented again with the next piece.</summary>
    private static List<string> Frame(byte[] input, int pieceSize, out int maxHeld, int maxLineLength = CommandLineReader.DefaultMaxLineLength)
    {
        var reader = new CommandLineReader(maxLineLength);
        var results = new List<string>();
        var held = new List<byte>();
        maxHeld = 0;
        for (var offset = 0; offset < input.Length; offset += pieceSize)
        {
            held.AddRange(input.Skip(offset).Take(pieceSize));
            var sequence = new ReadOnlySequence<byte>(held.ToArray());
            var sequenceReader = new SequenceReader<byte>(sequence);
            while (true)
            {
                var status = reader.TryRead(ref sequenceReader, out var line);
                if (status == LineStatus.NeedMore)
                    break;
                results.Add(status == LineStatus.Line ? Encoding.Latin1.GetString(line.ToArray()) : $"<{status}>");
            }
            held = held.Skip((int)sequenceReader.Consumed).ToList();
            maxHeld = Math.Max(maxHeld, held.Count);
        }
        return results;
    }

    [Fact]
    public void Frames_lines_ended_by_crlf()
    {
        var lines = Frame(Encoding.ASCII.GetBytes("EHLO a\r\nMAIL FROM:<a@b>\r\n\r\n"), 100, out _);
        Assert.Equal(["EHLO a", "MAIL FROM:<a@b>", ""], lines);
    }

    [Fact]
    public void Bare_lf_line_is_reported_not_returned()
    {
        var lines = Frame(Encoding.ASCII.GetBytes("NOOP\nRSET\r\n"), 100, out _);
        Assert.Equal(["<BareLineFeed>", "RSET"], lines);
    }

    [Fact]
    public void Bare_cr_is_an_ordinary_octet_of_the_line()
    {
        var lines = Frame(Encoding.ASCII.GetBytes("NO\rOP\r\n"), 100, out _);
        Assert.Equal(["NO\rOP"], lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(511)]
    [InlineData(4096)]
    public void Over_long_line_gets_one_rejection_and_bounded_memory_whatever_the_split(int pieceSize)
    {
        var input = Encoding.ASCII.GetBytes("NOOP\r\n" + new string('A', 100_000) + "\r\nQUIT\r\n");
        var lines = Frame(input, pieceSize, out var maxHeld);
        Assert.Equal(["NOOP", "<TooLong>", "QUIT"], lines);
        Assert.True(maxHeld <= Math.Max(pieceSize, CommandLineReader.DefaultMaxLineLength), $"held {maxHeld} bytes");
    }

    [Fact]
    public void Line_of_exactly_512_octets_with_crlf_is_accepted_and_513_is_not()
    {
        var ok = "NOOP " + new string('x', 510 - 5);
        var tooLong = ok + "y";
        Assert.Equal([ok], Frame(Encoding.ASCII.GetBytes(ok + "\r\n"), 1000, out _));
        Assert.Equal(["<TooLong>"], Frame(Encoding.ASCII.GetBytes(tooLong + "\r\n"), 1000, out _));
    }

    [Fact]
    public void Auth_lines_may_be_longer_as_rfc_4954_allows()
    {
        var auth = "AUTH PLAIN " + new string('A', 5000);
        Assert.Equal([auth, "<TooLong>"], Frame(Encoding.ASCII.GetBytes(auth + "\r\n" + "AUTH PLAIN " + new string('A', 13000) + "\r\n"), 700, out _));
        Assert.Equal(["<TooLong>"], Frame(Encoding.ASCII.GetBytes("NOOP " + new string('A', 5000) + "\r\n"), 700, out _));
    }

    [Fact]
    public void Every_split_point_gives_identical_lines()
    {
        var input = Encoding.ASCII.GetBytes("EHLO x\r\nNOOP\nMAIL FROM:<a@b>\r\n" + new string('z', 700) + "\r\nQUIT\r\n");
        var whole = Frame(input, input.Length, out _);
        for (var size = 1; size < input.Length; size++)
            Assert.Equal(whole, Frame(input, size, out _));
    }

    [Fact]
    public void A_limit_shorter_than_an_auth_verb_frames_without_failing()
    {
        // The AUTH check used to read five octets of an unterminated line that may be shorter under such a limit.
        Assert.Equal(["ab", "<TooLong>"], Frame(Encoding.ASCII.GetBytes("ab\r\nabc\r\nabcdefgh"), 1, out var held, maxLineLength: 4));
        Assert.True(held < 4);
        Assert.Equal(["<TooLong>", "x"], Frame(Encoding.ASCII.GetBytes("abcdefgh\r\nx\r\n"), 3, out _, maxLineLength: 4));
    }
}
