using System.Diagnostics;
using System.Net.Sockets;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>Deadlines against slow clients: per-line (slowloris), DATA at a minimum rate, TLS handshake.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_command_line_trickled_byte_by_byte_is_cut_at_command_timeout_from_its_first_byte()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.command-timeout = 2s");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        var clock = Stopwatch.StartNew();
        using var trickle = new CancellationTokenSource();
        var trickling = TrickleAsync(client, "EHLO a-very-long-name-that-takes-a-while.example\r\n", TimeSpan.FromMilliseconds(300), trickle.Token);

        await client.ExpectAsync("421 4.4.2");
        var cutAfter = clock.Elapsed;
        trickle.Cancel();
        await trickling;
        Assert.True(cutAfter >= TimeSpan.FromSeconds(1.9), $"cut after {cutAfter}");
        Assert.True(cutAfter < TimeSpan.FromSeconds(4.5), $"cut after {cutAfter}: the trickle kept it alive"); // 2 s + heartbeat
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Complete_commands_each_get_a_fresh_deadline()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.command-timeout = 2s");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(900);
            await client.SendAsync("NOOP\r\n");
            await client.ExpectAsync("250");
        }
    }

    [Fact]
    public async Task DATA_slower_than_min_data_rate_gets_421_4_4_2_and_nothing_is_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits { data-timeout = 2s, min-data-rate = 100 }");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        var clock = Stopwatch.StartNew();
        using var trickle = new CancellationTokenSource();
        // 10 bytes every 400 ms = 25 B/s, well under 100 B/s, yet never 2 s of silence.
        var trickling = TrickleAsync(client, "Subject: slow\r\n\r\n" + new string('x', 400) + "\r\n.\r\n", TimeSpan.FromMilliseconds(40), trickle.Token);

        await client.ExpectAsync("421 4.4.2");
        trickle.Cancel();
        await trickling;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"cut after {clock.Elapsed}");
        Assert.Empty(server.StoredMessages());
    }

    [Fact]
    public async Task DATA_at_a_good_rate_is_not_cut_even_when_it_takes_longer_than_data_timeout()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits { data-timeout = 2s, min-data-rate = 100 }");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        await client.SendAsync("Subject: steady\r\n\r\n");
        for (var i = 0; i < 16; i++) // 4 s at ~1000 B/s
        {
            await client.SendAsync(new string('y', 248) + "\r\n");
            await Task.Delay(250);
        }
        await client.SendAsync(".\r\n");
        await client.ExpectAsync("250 2.0.0");
    }

    [Fact]
    public async Task A_TLS_handshake_that_does_not_finish_is_cut_at_limits_tls_handshake_timeout()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = implicit } ]
            actorsmtp.limits.tls-handshake-timeout = 1s
            """);
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.EndPoint);
        var clock = Stopwatch.StartNew();
        await socket.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01 }); // the start of a ClientHello, then nothing
        var read = await socket.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"cut after {clock.Elapsed}");
    }

    private static async Task TrickleAsync(RawSmtpClient client, string text, TimeSpan every, CancellationToken cancel)
    {
        try
        {
            foreach (var c in text)
            {
                await client.SendAsync(new[] { (byte)c });
                await Task.Delay(every, cancel);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
    }
}
