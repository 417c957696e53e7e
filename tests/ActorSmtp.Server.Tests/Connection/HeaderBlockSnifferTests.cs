using System.Text;
using ActorSmtp.Server.Connection;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

public sealed class HeaderBlockSnifferTests
{
    private const string Message = "From: a@b.test\r\nTo: c@d.test\r\nSubject: Hi\r\n\r\nbody\r\n";

    [Fact]
    public void Block_in_one_chunk_is_found()
    {
        var sniffer = new HeaderBlockSniffer(64 * 1024);
        var bytes = Encoding.ASCII.GetBytes("xx" + Message);
        sniffer.Append(bytes, 2, 10);
        Assert.False(sniffer.IsComplete);
        sniffer.Append(bytes, 12, bytes.Length - 12); // contiguous with the first piece
        Assert.True(sniffer.IsComplete);
        Assert.Equal("Hi", sniffer.Parse().Subject);
    }

    [Fact]
    public void Block_spread_over_chunks_is_found_at_every_split()
    {
        var bytes = Encoding.ASCII.GetBytes(Message);
        for (var split = 1; split < bytes.Length; split++)
        {
            var sniffer = new HeaderBlockSniffer(64 * 1024);
            sniffer.Append(bytes[..split], 0, split);
            sniffer.Append(bytes[split..], 0, bytes.Length - split);
            var headers = sniffer.Parse();
            Assert.True(sniffer.IsComplete || split > Message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 3);
            Assert.Equal("Hi", headers.Subject);
            Assert.Equal(["c@d.test"], headers.To);
        }
    }

    [Fact]
    public void Message_without_headers_has_none()
    {
        var sniffer = new HeaderBlockSniffer(1024);
        var bytes = Encoding.ASCII.GetBytes("\r\nSubject: not a header\r\n");
        sniffer.Append(bytes, 0, bytes.Length);
        Assert.True(sniffer.IsComplete);
        Assert.Null(sniffer.Parse().Subject);
    }

    [Fact]
    public void Block_fed_byte_by_byte_is_found_where_it_ends()
    {
        var bytes = Encoding.ASCII.GetBytes(Message);
        var sniffer = new HeaderBlockSniffer(64 * 1024);
        var end = Message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        for (var i = 0; i < bytes.Length; i++)
        {
            sniffer.Append([bytes[i]], 0, 1);
            Assert.Equal(i + 1 >= end, sniffer.IsComplete);
        }
        Assert.Equal("Hi", sniffer.Parse().Subject);
        Assert.Equal(3, sniffer.Parse().All.Count);
    }

    [Fact]
    public void An_empty_line_split_after_its_first_byte_starts_a_message_without_headers()
    {
        var sniffer = new HeaderBlockSniffer(1024);
        sniffer.Append("\r"u8.ToArray(), 0, 1);
        Assert.False(sniffer.IsComplete);
        var rest = "\nSubject: body\r\n"u8.ToArray();
        sniffer.Append(rest, 0, rest.Length);
        Assert.True(sniffer.IsComplete);
        Assert.Null(sniffer.Parse().Subject);
    }

    [Fact]
    public void A_pending_block_over_many_chunks_is_not_copied()
    {
        // Issue 15 §0c: the block was copied as it arrived, doubling what a pending one costs.
        var line = Encoding.ASCII.GetBytes("X-Pad: " + new string('p', 69) + "\r\n");
        var chunks = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 200).SelectMany(_ => line).ToArray()).ToArray(); // 6 × 15.6 KB
        var sniffer = new HeaderBlockSniffer(100 * 1024);
        sniffer.Append(chunks[0], 0, chunks[0].Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var chunk in chunks.Skip(1))
            sniffer.Append(chunk, 0, chunk.Length);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(sniffer.IsComplete);
        Assert.True(allocated < 4096, $"{allocated} bytes allocated for a pending block of {6 * chunks[0].Length}");
        var end = Encoding.ASCII.GetBytes("Subject: last\r\n\r\n");
        sniffer.Append(end, 0, end.Length);
        Assert.Equal("last", sniffer.Parse().Subject);
        Assert.Equal(1201, sniffer.Parse().All.Count);
    }

    [Fact]
    public void Oversized_header_block_overflows_and_keeps_nothing()
    {
        var sniffer = new HeaderBlockSniffer(100);
        var bytes = Encoding.ASCII.GetBytes("Subject: kept\r\nX-Long: " + new string('x', 200) + "\r\n\r\n");
        sniffer.Append(bytes, 0, bytes.Length);
        Assert.True(sniffer.IsComplete);
        Assert.True(sniffer.Overflowed);
        Assert.Empty(sniffer.Parse().All); // refused with 552, never parsed
    }

    [Fact]
    public void Text_over_the_cap_is_not_a_header_block_and_is_cut_at_the_last_complete_line()
    {
        var sniffer = new HeaderBlockSniffer(100);
        var bytes = Encoding.ASCII.GetBytes("Subject: kept\r\nno field here\r\n" + new string('x', 200) + "\r\n");
        sniffer.Append(bytes, 0, 40);
        sniffer.Append(bytes, 40, bytes.Length - 40);
        Assert.True(sniffer.IsComplete);
        Assert.False(sniffer.Overflowed);
        Assert.Equal("kept", sniffer.Parse().Subject);
    }

    [Fact]
    public void Forget_lets_go_of_a_pending_block()
    {
        var sniffer = new HeaderBlockSniffer(1024);
        var bytes = Encoding.ASCII.GetBytes("Subject: x\r\n");
        sniffer.Append(bytes, 0, bytes.Length);
        sniffer.Forget();
        Assert.True(sniffer.IsComplete);
        Assert.Empty(sniffer.Parse().All);
    }
}
