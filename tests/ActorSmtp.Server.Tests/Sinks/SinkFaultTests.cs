using System.Net;
using System.Text;
using ActorSmtp.Host.Http;
using ActorSmtp.Server.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static ActorSmtp.TestSupport.HttpProbe;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>
/// What counts against a sink (circuit breaker, /healthz): only its own failures, never a client's mistakes.
/// Issue 15 §0: five client aborts, oversize or bare-LF bodies used to open the file sink's breaker for everyone.
/// </summary>
public sealed class SinkFaultTests
{
    private const int Mistakes = 50;

    // Larger than one 16 KiB body chunk, so the sink has the message (it streams) before the mistake shows.
    private static readonly string Lines = string.Concat(Enumerable.Repeat(new string('a', 78) + "\r\n", 400));

    [Fact]
    public async Task Client_aborts_oversize_and_bare_LF_bodies_in_a_row_leave_the_file_sink_healthy()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 48KiB"); // default breaker
        var port = FreePort();
        await using var endpoint = await HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), server.Settings, NodeShape.Single, () => server.System, NullLoggerFactory.Instance);
        var healthz = $"http://127.0.0.1:{port}/healthz";

        for (var i = 0; i < Mistakes; i++)
        {
            await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
            await client.BeginDataAsync();
            await client.SendAsync($"Subject: abort {i}\r\n\r\n{Lines}");
            if (i % 2 == 0)
                await client.DisposeAsync(); // FIN mid-DATA
            else
                client.Reset(); // RST mid-DATA
        }
        for (var i = 0; i < Mistakes; i++)
        {
            await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
            await client.BeginDataAsync();
            await client.SendAsync($"Subject: oversize {i}\r\n\r\n{Lines}{Lines}.\r\n");
            await client.ExpectAsync("552 5.3.4");
        }
        for (var i = 0; i < Mistakes; i++)
        {
            await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
            await client.BeginDataAsync();
            await client.SendAsync($"Subject: bare LF {i}\r\n\r\n{Lines}bare\nline\r\n.\r\n");
            await client.ExpectAsync("550 5.6.11");
        }

        Assert.Equal((HttpStatusCode.OK, "healthy\n"), await GetAsync(healthz));
        await using var legitimate = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await legitimate.BeginDataAsync();
        await legitimate.SendAsync($"Subject: legitimate\r\n\r\n{Lines}.\r\n");
        await legitimate.ExpectAsync("250 2.0.0");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(healthz)).Status);
        Assert.DoesNotContain(await server.FilesAfterCleanupAsync(), f => f!.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sink_that_really_fails_streamed_bodies_still_opens_its_breaker()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp { sink = failing, sinks.failing { type = "{{MemorySink.TypeName}}", name = "really-failing", behaviour = fail } }
            """); // the default breaker: 5 failures
        var port = FreePort();
        await using var endpoint = await HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), server.Settings, NodeShape.Single, () => server.System, NullLoggerFactory.Instance);

        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        for (var i = 0; i < 5; i++)
        {
            await client.BeginDataAsync();
            await client.SendAsync($"Subject: {i}\r\n\r\n{Lines}.\r\n");
            await client.ExpectAsync("451 4.3.0");
        }
        var calls = MemorySink.ShelfOf("really-failing").Calls;
        await client.BeginDataAsync();
        await client.SendAsync($"Subject: after\r\n\r\n{Lines}.\r\n");
        await client.ExpectAsync("451 4.3.0");

        Assert.Equal(calls, MemorySink.ShelfOf("really-failing").Calls); // the open breaker kept it from the sink
        var (status, body) = await GetAsync($"http://127.0.0.1:{port}/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("sink failing: circuit open", body);
    }

    [Fact]
    public async Task An_abandoned_trial_does_not_keep_the_breaker_open()
    {
        // The breaker's trial after reset-timeout goes to a client that hangs up: that says nothing about the
        // sink, so the next message is the trial (the circuit must not stay open for good, waiting on it).
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp { sink = flaky, sinks.flaky { type = "{{MemorySink.TypeName}}", name = "flaky-trial", behaviour = fail,
                        circuit-breaker { max-failures = 1, reset-timeout = 300ms } } }
            """);
        await using (var client = await RawSmtpClient.GreetedAsync(server.EndPoint))
        {
            await client.BeginDataAsync();
            await client.SendAsync($"Subject: opens\r\n\r\n{Lines}.\r\n");
            await client.ExpectAsync("451 4.3.0");
        }
        await Task.Delay(500);
        var before = MemorySink.ShelfOf("flaky-trial").Calls;
        await using (var quitter = await RawSmtpClient.GreetedAsync(server.EndPoint))
        {
            await quitter.BeginDataAsync();
            await quitter.SendAsync($"Subject: trial\r\n\r\n{Lines}");
        }
        await WaitUntilAsync(() => MemorySink.ShelfOf("flaky-trial").Calls > before);
        await Task.Delay(200); // its Abandoned answer reaches the supervisor

        await using var next = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await next.BeginDataAsync();
        await next.SendAsync("Subject: next\r\n\r\nbody\r\n.\r\n");
        await next.ExpectAsync("451 4.3.0");
        Assert.Equal(before + 2, MemorySink.ShelfOf("flaky-trial").Calls); // it reached the sink as the new trial
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition());
    }
}
