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
    public void Oversized_block_is_cut_at_the_last_complete_line_under_the_cap()
    {
        var sniffer = new HeaderBlockSniffer(100);
        var bytes = Encoding.ASCII.GetBytes("Subject: kept\r\nX-Long: " + new string('x', 200) + "\r\n\r\n");
        sniffer.Append(bytes, 0, bytes.Length);
        Assert.True(sniffer.IsComplete);
        var headers = sniffer.Parse();
        Assert.Equal("kept", headers.Subject);
        Assert.Single(headers.All);
    }
}
