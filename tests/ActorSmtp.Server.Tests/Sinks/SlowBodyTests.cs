using System.Diagnostics;
using System.Text;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>
/// The sink's timeout runs from the end of data: a slow body is the client's time, bounded by data-timeout and
/// min-data-rate (issue 15 §0b: a 2 MB body at 39 KiB/s got 451 every time with the 30 s sink-timeout). Scaled
/// down: a 1 s sink timeout and a body that takes about 3 s, far above min-data-rate.
/// </summary>
public sealed class SlowBodyTests
{
    private const int Pieces = 24;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(125); // 16 KiB per 125 ms: 128 KiB/s

    [Fact]
    public async Task A_body_that_takes_longer_than_the_sink_timeout_to_arrive_is_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.sink-timeout = 1s");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();

        var sent = await SendSlowlyAsync(client, "slow but steady");
        await client.SendAsync(".\r\n");
        var reply = await client.ExpectAsync("250 2.0.0");

        var stored = server.StoredMessages()[reply.Split(' ')[^1]];
        Assert.Equal(sent, Encoding.ASCII.GetString(stored));
    }

    [Fact]
    public async Task A_sink_that_hangs_after_the_end_of_a_slow_body_gets_its_timeout_451_counted_from_the_end()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp { sink = hanging, sinks.hanging { type = "{{MemorySink.TypeName}}", name = "hangs-after-body", behaviour = hang, timeout = 1s } }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();

        await SendSlowlyAsync(client, "then the sink hangs");
        var clock = Stopwatch.StartNew();
        await client.SendAsync(".\r\n");
        await client.ExpectAsync("451 4.3.0");

        // Not before the sink's own second has passed after the end of data, and not much later.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(4));
        for (var i = 0; i < 40 && MemorySink.ShelfOf("hangs-after-body").Cancelled == 0; i++)
            await Task.Delay(50);
        Assert.Equal(1, MemorySink.ShelfOf("hangs-after-body").Cancelled); // the sink was told to give up
    }

    /// <summary>A header block, then <see cref="Pieces"/> × 16 KiB of body lines with a pause before each; returns the message.</summary>
    private static async Task<string> SendSlowlyAsync(RawSmtpClient client, string subject)
    {
        var message = new StringBuilder($"Subject: {subject}\r\n\r\n");
        await client.SendAsync(message.ToString());
        for (var i = 0; i < Pieces; i++)
        {
            await Task.Delay(Pause);
            var piece = string.Concat(Enumerable.Repeat($"{i % 10}{new string('x', 125)}\r\n", 128)); // 16 KiB
            message.Append(piece);
            await client.SendAsync(piece);
        }
        return message.ToString();
    }
}
