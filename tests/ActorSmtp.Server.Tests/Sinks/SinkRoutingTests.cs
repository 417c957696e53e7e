using Akka.Actor;
using System.Text;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>Routes, fan-out, fallback, timeouts and the circuit breaker, through a real server and socket.</summary>
public sealed class SinkRoutingTests
{
    private const string Message = "Subject: routed\r\n\r\nline one\r\n..dot-stuffed\r\n";
    private const string Stored = "Subject: routed\r\n\r\nline one\r\n.dot-stuffed\r\n";

    [Fact]
    public async Task Recipients_in_two_routes_are_stored_by_both_sinks_each_with_its_own_recipients()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = a
              routes = [ { domains = ["*.b.test", "b.test"], sink = b } ]
              sinks.a { type = "{{MemorySink.TypeName}}", name = {{a}} }
              sinks.b { type = "{{MemorySink.TypeName}}", name = {{b}} }
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var reply = await SendAsync(client, ["one@a.test", "two@b.test", "three@mx.b.test", "four@a.test"]);

        Assert.StartsWith("250 2.0.0", reply);
        var id = reply.Split(' ')[^1];
        var inA = Assert.Single(MemorySink.ShelfOf(a).Messages);
        var inB = Assert.Single(MemorySink.ShelfOf(b).Messages);
        Assert.Equal(["one@a.test", "four@a.test"], inA.Envelope.RcptTo);
        Assert.Equal(["two@b.test", "three@mx.b.test"], inB.Envelope.RcptTo);
        Assert.Equal(Stored, Encoding.ASCII.GetString(inA.Bytes));
        Assert.Equal(Stored, Encoding.ASCII.GetString(inB.Bytes));
        Assert.Equal([$"{id}.1", $"{id}.2"], new[] { inA.Envelope.MessageId, inB.Envelope.MessageId });
    }

    [Fact]
    public async Task A_message_whose_routes_all_lead_to_one_sink_is_stored_once_under_its_own_id()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        await using var server = await TestServer.StartAsync(TwoSinks(a, b, routes: """[ { addresses = ["alerts@*"], sink = b } ]"""));
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var reply = await SendAsync(client, ["alerts@x.test", "ALERTS@y.test"]);

        Assert.StartsWith("250 2.0.0", reply);
        Assert.Empty(MemorySink.ShelfOf(a).Messages);
        Assert.Equal(reply.Split(' ')[^1], Assert.Single(MemorySink.ShelfOf(b).Messages).Envelope.MessageId);
    }

    [Fact]
    public async Task When_one_route_fails_the_client_gets_451_not_250()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        await using var server = await TestServer.StartAsync(TwoSinks(a, b, routes: """[ { domains = ["b.test"], sink = b } ]""",
            behaviourOfB: "fail"));
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        Assert.StartsWith("451 4.3.0", await SendAsync(client, ["one@a.test", "two@b.test"]));
        Assert.StartsWith("250 2.0.0", await SendAsync(client, ["one@a.test"])); // the session goes on
    }

    [Fact]
    public async Task A_fan_out_stores_every_message_in_each_member_with_all_recipients()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = both
              sinks.both { type = fan-out, sinks = [a, b] }
              sinks.a { type = "{{MemorySink.TypeName}}", name = {{a}} }
              sinks.b { type = "{{MemorySink.TypeName}}", name = {{b}} }
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        Assert.StartsWith("250 2.0.0", await SendStreamingAsync(client, ["one@a.test", "two@b.test"]));

        foreach (var shelf in new[] { a, b })
        {
            var stored = Assert.Single(MemorySink.ShelfOf(shelf).Messages);
            Assert.Equal(["one@a.test", "two@b.test"], stored.Envelope.RcptTo);
            Assert.Equal(Stored, Encoding.ASCII.GetString(stored.Bytes));
        }
    }

    [Theory]
    [InlineData("fail")]
    [InlineData("silent")]
    public async Task A_fallback_stores_the_exact_message_when_the_primary_fails_or_times_out(string behaviour)
    {
        var (primary, fallback) = (Unique("primary"), Unique("fallback"));
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = primary
              sinks.primary { type = "{{MemorySink.TypeName}}", name = {{primary}}, behaviour = {{behaviour}}, timeout = 500ms, fallback = spare }
              sinks.spare { type = "{{MemorySink.TypeName}}", name = {{fallback}} }
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        Assert.StartsWith("250 2.0.0", await SendStreamingAsync(client, ["one@a.test"]));

        Assert.Equal(1, MemorySink.ShelfOf(primary).Calls);
        Assert.Empty(MemorySink.ShelfOf(primary).Messages);
        Assert.Equal(Stored, Encoding.ASCII.GetString(Assert.Single(MemorySink.ShelfOf(fallback).Messages).Bytes));
    }

    [Fact]
    public async Task A_sink_that_misses_its_timeout_gets_451_and_its_token_cancelled()
    {
        var slow = Unique("slow");
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = slow
              sinks.slow { type = "{{MemorySink.TypeName}}", name = {{slow}}, behaviour = silent, timeout = 300ms }
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        Assert.StartsWith("451 4.3.0", await SendAsync(client, ["one@a.test"]));
        await AwaitAsync(() => MemorySink.ShelfOf(slow).Cancelled == 1);
        Assert.Empty(MemorySink.ShelfOf(slow).Messages);
    }

    [Fact]
    public async Task An_open_circuit_answers_451_without_asking_the_sink_and_lets_a_trial_through_later()
    {
        var failing = Unique("failing");
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = failing
              sinks.failing { type = "{{MemorySink.TypeName}}", name = {{failing}}, behaviour = fail,
                              circuit-breaker { max-failures = 2, reset-timeout = 1s } }
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        var shelf = MemorySink.ShelfOf(failing);

        for (var i = 0; i < 4; i++)
            Assert.StartsWith("451 4.3.0", await SendAsync(client, ["one@a.test"]));
        Assert.Equal(2, shelf.Calls); // messages 3 and 4 never reached the sink

        var health = await server.Server.Sink.Ask<ActorSmtp.Server.Sinks.SinkSupervisorProtocol.Health>(
            ActorSmtp.Server.Sinks.SinkSupervisorProtocol.GetHealth.Instance, TimeSpan.FromSeconds(3));
        Assert.True(health.CircuitOpen);

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.StartsWith("451 4.3.0", await SendAsync(client, ["one@a.test"]));
        Assert.Equal(3, shelf.Calls); // the trial
    }

    private static string TwoSinks(string a, string b, string routes, string behaviourOfB = "store") => $$"""
        actorsmtp {
          sink = a
          routes = {{routes}}
          sinks.a { type = "{{MemorySink.TypeName}}", name = {{a}} }
          sinks.b { type = "{{MemorySink.TypeName}}", name = {{b}}, behaviour = {{behaviourOfB}} }
        }
        """;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private static async Task<string> SendAsync(RawSmtpClient client, string[] recipients)
    {
        await BeginAsync(client, recipients);
        await client.SendAsync(Message + ".\r\n");
        return (await client.ReadReplyAsync())[^1];
    }

    /// <summary>Sends the header block first, so the body reaches the sinks as a stream rather than whole.</summary>
    private static async Task<string> SendStreamingAsync(RawSmtpClient client, string[] recipients)
    {
        await BeginAsync(client, recipients);
        var split = Message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        await client.SendAsync(Message[..split]);
        await Task.Delay(100);
        await client.SendAsync(Message[split..] + ".\r\n");
        return (await client.ReadReplyAsync())[^1];
    }

    private static async Task BeginAsync(RawSmtpClient client, string[] recipients)
    {
        await client.SendAsync("MAIL FROM:<s@sender.test>\r\n" + string.Concat(recipients.Select(r => $"RCPT TO:<{r}>\r\n")) + "DATA\r\n");
        for (var i = 0; i <= recipients.Length; i++)
            await client.ExpectAsync("250");
        await client.ExpectAsync("354");
    }

    private static async Task AwaitAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 5000; waited += 50)
            await Task.Delay(50);
        Assert.True(condition());
    }
}
