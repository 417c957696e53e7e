using System.Text;
using ActorSmtp.Sinks.Relay.Smtp;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>Replies as the upstream writes them (RFC 5321 §4.2, RFC 2034 enhanced codes) and the EHLO keywords taken from them.</summary>
public sealed class UpstreamReplyTests
{
    private static async Task<UpstreamReply> ReadAsync(string wire) =>
        await new ReplyReader(new MemoryStream(Encoding.UTF8.GetBytes(wire))).ReadAsync(CancellationToken.None);

    [Theory]
    [InlineData("550 5.1.1 <x@y>: User unknown\r\n", 550, "5.1.1", "<x@y>: User unknown")]
    [InlineData("452 Too many recipients\r\n", 452, "4.0.0", "Too many recipients")]
    [InlineData("554-5.7.1 first\r\n554 5.7.1 second\r\n", 554, "5.7.1", "first 5.7.1 second")]
    [InlineData("250 2.0.0\n", 250, "2.0.0", "")]
    [InlineData("421\r\n", 421, "4.0.0", "")]
    public async Task Takes_code_enhanced_code_and_text(string wire, int code, string enhanced, string text)
    {
        var reply = await ReadAsync(wire);
        Assert.Equal((code, enhanced, text), (reply.Code, reply.EnhancedCode, reply.Text));
    }

    [Theory]
    [InlineData("hello\r\n")]
    [InlineData("250-a\r\n251 b\r\n")]
    [InlineData("99 x\r\n")]
    [InlineData("250")]
    public async Task A_malformed_or_cut_reply_makes_the_upstream_unusable(string wire) =>
        await Assert.ThrowsAsync<UpstreamUnavailableException>(() => ReadAsync(wire));

    [Fact]
    public async Task Reads_the_keywords_of_an_EHLO_reply()
    {
        var capabilities = Capabilities.FromEhlo(await ReadAsync(
            "250-mx.test Hello\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8bitmime\r\n250-AUTH PLAIN login\r\n250-SMTPUTF8\r\n250-STARTTLS\r\n250 CHUNKING\r\n"));
        Assert.Equal((true, true, true, true, true), (capabilities.Pipelining, capabilities.Chunking, capabilities.EightBitMime, capabilities.SmtpUtf8, capabilities.StartTls));
        Assert.Equal(["LOGIN", "PLAIN"], capabilities.AuthMechanisms.Order());
    }

    [Fact]
    public async Task The_greeting_line_of_EHLO_is_no_keyword()
    {
        var capabilities = Capabilities.FromEhlo(await ReadAsync("250 CHUNKING\r\n")); // a server named CHUNKING offering nothing
        Assert.False(capabilities.Chunking);
    }
}
