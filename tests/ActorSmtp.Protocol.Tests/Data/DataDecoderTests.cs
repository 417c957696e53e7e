using Xunit;
using System.Text;
using ActorSmtp.Protocol.Data;

namespace ActorSmtp.Protocol.Tests.Data;

public sealed class DataDecoderTests
{
    /// <summary>Decodes <paramref name="input"/> fed in pieces of <paramref name="pieceSizes"/> (cycled).</summary>
    private static DecodeOutcome Decode(byte[] input, params int[] pieceSizes)
    {
        var decoder = new DataDecoder();
        var output = new List<byte>();
        var offset = 0;
        var piece = 0;
        while (offset < input.Length && !decoder.IsComplete)
        {
            var size = Math.Min(pieceSizes.Length == 0 ? input.Length : pieceSizes[piece++ % pieceSizes.Length], input.Length - offset);
            var buffer = new byte[DataDecoder.MaxOutputLength(size)];
            decoder.Decode(input.AsSpan(offset, size), buffer, out var consumed, out var written);
            output.AddRange(buffer.AsSpan(0, written).ToArray());
            offset += consumed;
            if (consumed < size)
                Assert.True(decoder.IsComplete, "the decoder stops early only at the end of data");
        }
        return new DecodeOutcome(decoder.IsComplete, output.ToArray(), decoder.SawBareLineEnding, offset, decoder.Size);
    }

    private sealed record DecodeOutcome(bool Complete, byte[] Content, bool BareLineEnding, int Consumed, long Size)
    {
        public string Text => Encoding.Latin1.GetString(Content);
    }

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    [Theory]
    [InlineData(".\r\n", "")]
    [InlineData("a\r\n.\r\n", "a\r\n")]
    [InlineData("Subject: x\r\n\r\nbody\r\n.\r\n", "Subject: x\r\n\r\nbody\r\n")]
    [InlineData("..\r\n.\r\n", ".\r\n")]
    [InlineData("..leading\r\n.\r\n", ".leading\r\n")]
    [InlineData(".x\r\n.\r\n", "x\r\n")]
    [InlineData("a.\r\n.b\r\n.\r\n", "a.\r\nb\r\n")]
    [InlineData("\r\n\r\n.\r\n", "\r\n\r\n")]
    [InlineData("a\r\n..\r\n...\r\n.\r\n", "a\r\n.\r\n..\r\n")]
    public void Unstuffs_and_ends_only_at_crlf_dot_crlf(string data, string expected)
    {
        var outcome = Decode(B(data));
        Assert.True(outcome.Complete);
        Assert.Equal(expected, outcome.Text);
        Assert.False(outcome.BareLineEnding);
        Assert.Equal(expected.Length, outcome.Size);
    }

    [Fact]
    public void Stops_right_after_the_terminator_leaving_pipelined_commands()
    {
        var outcome = Decode(B("hi\r\n.\r\nQUIT\r\n"));
        Assert.True(outcome.Complete);
        Assert.Equal("hi\r\n.\r\n".Length, outcome.Consumed);
    }

    [Theory]
    [InlineData("a\n.\nb\r\n.\r\n")]        // \n.\n
    [InlineData("a\r.\rb\r\n.\r\n")]        // \r.\r
    [InlineData("a\n.\r\nb\r\n.\r\n")]      // \n.\r\n
    [InlineData("a\r.\nb\r\n.\r\n")]        // \r.\n
    [InlineData("a\r\n.\nb\r\n.\r\n")]      // \r\n.\n
    [InlineData("a\r.\r\nb\r\n.\r\n")]      // \r.\r\n
    [InlineData("a\r\n.\rb\r\n.\r\n")]      // \r\n.\r
    [InlineData("a\n.\rb\r\n.\r\n")]        // \n.\r
    [InlineData("a\r\r\n.\r\r\nb\r\n.\r\n")] // CR CR LF, the Postfix 3.9 prerelease bypass
    public void Smuggling_variants_never_end_data_and_are_flagged(string data)
    {
        var outcome = Decode(B(data));
        Assert.True(outcome.Complete);
        Assert.Equal(B(data).Length, outcome.Consumed); // only the real CRLF.CRLF at the very end ended it
        Assert.True(outcome.BareLineEnding);
    }

    [Fact]
    public void Nul_before_dot_is_content_not_a_terminator()
    {
        var data = B("a\r\n\0.\r\nb\r\n.\r\n");
        var outcome = Decode(data);
        Assert.True(outcome.Complete);
        Assert.Equal(data.Length, outcome.Consumed);
        Assert.Equal("a\r\n\0.\r\nb\r\n", outcome.Text);
        Assert.False(outcome.BareLineEnding);
    }

    [Fact]
    public void Bare_lf_alone_never_completes()
    {
        var outcome = Decode(B("a\n.\n"));
        Assert.False(outcome.Complete);
        Assert.True(outcome.BareLineEnding);
    }

    public static TheoryData<string> SplitCases => new()
    {
        "Subject: t\r\n\r\n..x\r\n.y\r\nline\r\n.\r\nNOOP\r\n",
        "a\r\r\n.\r\r\n.\r.\n\n.\n\r\n.\r\n",
        ".\r\n",
        "x\r\n..\r\n.\r\n",
    };

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Any_split_gives_the_same_result(string data)
    {
        var bytes = B(data);
        var whole = Decode(bytes);
        for (var split = 1; split < bytes.Length; split++)
        {
            var twoPieces = Decode(bytes, split, bytes.Length);
            Assert.Equal(whole, twoPieces with { }, OutcomeComparer.Instance);
        }
        Assert.Equal(whole, Decode(bytes, 1), OutcomeComparer.Instance);
        Assert.Equal(whole, Decode(bytes, 2, 3), OutcomeComparer.Instance);
    }

    [Fact]
    public void Long_lines_are_measured()
    {
        var line = new string('x', 5000);
        var decoder = new DataDecoder();
        var input = B(line + "\r\n.\r\n");
        decoder.Decode(input, new byte[input.Length + 1], out _, out _);
        Assert.Equal(5000, decoder.LongestLine);
    }

    private sealed class OutcomeComparer : IEqualityComparer<DecodeOutcome>
    {
        public static readonly OutcomeComparer Instance = new();

        public bool Equals(DecodeOutcome? x, DecodeOutcome? y) =>
            x!.Complete == y!.Complete && x.Content.AsSpan().SequenceEqual(y.Content) &&
            x.BareLineEnding == y.BareLineEnding && x.Consumed == y.Consumed && x.Size == y.Size;

        public int GetHashCode(DecodeOutcome obj) => obj.Consumed;
    }
}
