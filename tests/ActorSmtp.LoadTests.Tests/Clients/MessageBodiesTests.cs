using System.Text;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Tests.Clients;

public sealed class MessageBodiesTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(102_400)]
    [InlineData(1025)]
    [InlineData(1106)] // leaves an 81-byte tail after the headers' whole lines
    public void Wire_messages_have_the_requested_size_and_valid_lines(long size)
    {
        var wire = new MessageBodies(MessageSizeMix.Fixed(size), recipients: 1).Wire(size).ToArray();
        var text = Encoding.ASCII.GetString(wire);

        Assert.Equal(size + 3, wire.Length); // + the ".\r\n" terminator
        Assert.EndsWith("\r\n.\r\n", text);
        var lines = text[..^3].Split("\r\n")[..^1];
        Assert.All(lines, line => Assert.False(line.StartsWith('.'), "no line may need dot-stuffing"));
        Assert.All(lines, line => Assert.True(line.Length <= 78));
        Assert.DoesNotContain('\r', text.Replace("\r\n", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(102_400)]
    public void A_bdat_chunk_carries_the_message_without_its_terminator_and_says_how_long_it_is(long size)
    {
        var bodies = new MessageBodies(MessageSizeMix.Fixed(size), recipients: 1);
        var content = bodies.Content(size).ToArray();

        Assert.Equal(bodies.Wire(size).ToArray()[..^3], content);
        Assert.Equal($"BDAT {size} LAST\r\n", Encoding.ASCII.GetString(bodies.LastChunkCommand(size).Span));
        Assert.Equal(size, content.Length);
    }

    [Fact]
    public void Recipients_are_numbered()
    {
        var bodies = new MessageBodies(MessageSizeMix.Fixed(1024), recipients: 3);

        Assert.Equal(["rcpt1@localhost", "rcpt2@localhost", "rcpt3@localhost"], bodies.Recipients);
    }
}
