using System.Text;
using ActorSmtp.Protocol.Data;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Data;

public sealed class ChunkDecoderTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>Feeds every chunk's octets plus what follows them, split into pieces of <paramref name="pieceSizes"/> (cycled).</summary>
    private static (byte[] Content, long[] Consumed, ChunkDecoder Decoder) Decode(string[] chunks, string trailer, params int[] pieceSizes)
    {
        var decoder = new ChunkDecoder();
        decoder.Reset();
        var content = new List<byte>();
        var consumed = new long[chunks.Length];
        var piece = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            var input = B(chunks[c] + trailer); // the next command follows the chunk at once
            decoder.StartChunk(chunks[c].Length);
            var offset = 0;
            while (!decoder.IsComplete)
            {
                var size = Math.Min(pieceSizes[piece++ % pieceSizes.Length], input.Length - offset);
                var output = new byte[DataDecoder.MaxOutputLength(size)];
                decoder.Decode(input.AsSpan(offset, size), output, out var used, out var written);
                Assert.Equal(used, written); // verbatim: one octet out per octet in
                content.AddRange(output.AsSpan(0, written).ToArray());
                offset += used;
            }
            consumed[c] = offset;
        }
        return (content.ToArray(), consumed, decoder);
    }

    public static TheoryData<string[]> Messages => new()
    {
        { new[] { "Subject: x\r\n\r\nbody\r\n" } },
        { new[] { "a\r\n.\r\n", "..leading dots\r\n.\r\nQUIT\r\n", "" } },
        { new[] { "bare\nLF and bare\rCR\r", "\n", "\r\r\n" } },
        { new[] { "", "x", new string('y', 1500) + "\r\n" } },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_split_takes_exactly_the_chunk_verbatim(string[] chunks)
    {
        var expected = B(string.Concat(chunks));
        var whole = Decode(chunks, "BDAT 5\r\n", int.MaxValue);
        Assert.Equal(expected, whole.Content);
        Assert.Equal(chunks.Select(c => (long)c.Length), whole.Consumed); // never a byte of the next command
        Assert.Equal(expected.Length, whole.Decoder.Size);
        Assert.False(whole.Decoder.SawBareLineEnding);

        for (var size = 1; size <= expected.Length + 8; size++)
        {
            var pieces = Decode(chunks, "BDAT 5\r\n", size);
            Assert.Equal(expected, pieces.Content);
            Assert.Equal(whole.Consumed, pieces.Consumed);
            Assert.Equal(whole.Decoder.LongestLine, pieces.Decoder.LongestLine);
        }
        for (var split = 1; split < expected.Length; split++)
            Assert.Equal(whole.Decoder.LongestLine, Decode(chunks, "", split, int.MaxValue).Decoder.LongestLine);
    }

    [Theory]
    [InlineData(new[] { "abc\r\nde" }, 3)]
    [InlineData(new[] { "abc\r", "\nde\r\n" }, 3)]       // CR LF split across chunks
    [InlineData(new[] { "abcd\n12" }, 4)]                // a bare LF ends a line too
    [InlineData(new[] { "ab", "cd", "ef\r\n" }, 6)]      // a line across three chunks
    [InlineData(new[] { "a\r\rb\r\n" }, 4)]              // CR not before LF is content
    public void Line_lengths_run_across_chunks(string[] chunks, int longest)
    {
        Assert.Equal(longest, Decode(chunks, "", int.MaxValue).Decoder.LongestLine);
        Assert.Equal(longest, Decode(chunks, "", 1).Decoder.LongestLine);
    }

    [Fact]
    public void A_zero_chunk_is_complete_at_once()
    {
        var decoder = new ChunkDecoder();
        decoder.StartChunk(0);
        Assert.True(decoder.IsComplete);
        Assert.True(decoder.Decode("MAIL"u8, new byte[5], out var consumed, out _));
        Assert.Equal(0, consumed);
    }
}
