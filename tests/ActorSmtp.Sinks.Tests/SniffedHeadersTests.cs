using System.Text;
using Xunit;

namespace ActorSmtp.Sinks.Tests;

/// <summary>Header fields read from a header block; one parser per thread is reused, so nothing may carry over.</summary>
public sealed class SniffedHeadersTests
{
    [Fact]
    public void Each_block_on_the_same_thread_gets_its_own_fields()
    {
        var first = Parse("Message-ID: <one@example.com>\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: first\r\n");
        var second = Parse("Message-ID: <two@example.com>\r\nFrom: c@example.com\r\nCc: d@example.com\r\nSubject: second\r\n");

        Assert.Equal(("<one@example.com>", "first", "a@example.com", "b@example.com"), (first.MessageId, first.Subject, first.From.Single(), first.To.Single()));
        Assert.Equal(("<two@example.com>", "second", "c@example.com", "d@example.com"), (second.MessageId, second.Subject, second.From.Single(), second.Cc.Single()));
        Assert.Empty(second.To);
    }

    [Fact]
    public void A_block_without_fields_does_not_spoil_the_next_one()
    {
        var junk = Parse("no colon in this line at all\r\n\0\0\r\n");
        var next = Parse("Subject: after junk\r\n");

        Assert.Null(junk.Subject);
        Assert.Equal("after junk", next.Subject);
    }

    // Read at once, on this thread, as a sink does when it builds the envelope document.
    private static SniffedHeaders Parse(string block)
    {
        var headers = SniffedHeaders.Parse(Encoding.UTF8.GetBytes(block));
        _ = headers.Subject;
        return headers;
    }
}
