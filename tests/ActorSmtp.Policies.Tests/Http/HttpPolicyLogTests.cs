using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Xunit;

namespace ActorSmtp.Policies.Tests.Http;

/// <summary>A failing hook is logged, with its path but never a header (they may hold a token) or the query.</summary>
public sealed class HttpPolicyLogTests : IAsyncLifetime
{
    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> lines) => Receive<LogEvent>(e => lines.Enqueue(e.ToString()));
    }

    private PolicyHook _hook = null!;

    public async Task InitializeAsync() => _hook = await PolicyHook.StartAsync();

    public async Task DisposeAsync() => await _hook.DisposeAsync();

    [Fact]
    public async Task A_failure_is_logged_without_the_headers_or_the_query()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp.policies = [ { type = http, url = "{{_hook.Url}}?key=QUERYSECRET", headers { Authorization = "Bearer HEADERSECRET" } } ]
            """);
        var lines = new ConcurrentQueue<string>();
        server.System.EventStream.Subscribe(server.System.ActorOf(Props.Create(() => new Collector(lines))), typeof(Warning));
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<error@x.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("451 4.3.0");

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!lines.Any(l => l.Contains("http policy")) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        var logged = string.Join("\n", lines);
        Assert.Contains("/policy", logged);
        Assert.Contains("500", logged);
        Assert.DoesNotContain("HEADERSECRET", logged);
        Assert.DoesNotContain("QUERYSECRET", logged);
        Assert.Equal("Bearer HEADERSECRET", Assert.Single(_hook.Requests).Authorization);
    }
}
