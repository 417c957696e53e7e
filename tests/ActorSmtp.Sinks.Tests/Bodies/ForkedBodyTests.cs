using System.Text;
using System.Threading.Channels;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Sinks.Tests.Bodies;

public sealed class ForkedBodyTests
{
    [Fact]
    public async Task Every_copy_of_a_streaming_body_yields_the_same_chunks_in_order()
    {
        var (body, writer) = Streaming("head ");
        var copies = body.Fork(3).Branches;
        var reads = copies.Select(ReadAsync).ToArray();
        for (var i = 0; i < 100; i++)
            await writer.WriteAsync(Encoding.ASCII.GetBytes($"{i} "));
        writer.Complete();

        var expected = "head " + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i} "));
        foreach (var read in reads)
            Assert.Equal(expected, await read);
    }

    [Fact]
    public async Task A_released_copy_does_not_hold_back_the_others()
    {
        var (body, writer) = Streaming("");
        var fork = body.Fork(2);
        var kept = ReadAsync(fork.Branches[1]);
        fork.Release(0); // its reader never reads: without the release the pump would stall after a few chunks
        for (var i = 0; i < 50; i++)
            await writer.WriteAsync(new byte[] { (byte)'x' }).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        writer.Complete();

        Assert.Equal(new string('x', 50), await kept.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAsync(fork.Branches[0]));
    }

    [Fact]
    public async Task When_the_body_fails_every_copy_fails()
    {
        var (body, writer) = Streaming("partial");
        var copies = body.Fork(2).Branches;
        writer.Complete(new InvalidDataException("client gone"));
        foreach (var copy in copies)
            await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(copy));
    }

    [Fact]
    public async Task A_complete_body_is_shared_without_a_pump_and_can_be_forked_only_once()
    {
        var body = MessageBody.FromChunks(Encoding.ASCII.GetBytes("all of it"));
        var copies = body.Fork(2).Branches;
        Assert.All(copies, c => Assert.True(c.IsComplete));
        Assert.Equal("all of it", await ReadAsync(copies[0]));
        Assert.Equal("all of it", await ReadAsync(copies[1]));
        Assert.Throws<InvalidOperationException>(() => body.Fork(2));
    }

    private static (MessageBody Body, ChannelWriter<ReadOnlyMemory<byte>> Writer) Streaming(string head)
    {
        var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(4);
        return (new MessageBody([Encoding.ASCII.GetBytes(head)], channel.Reader), channel.Writer);
    }

    private static async Task<string> ReadAsync(MessageBody body)
    {
        var text = new StringBuilder();
        await foreach (var chunk in body.ReadAllAsync())
            text.Append(Encoding.ASCII.GetString(chunk.Span));
        return text.ToString();
    }
}
