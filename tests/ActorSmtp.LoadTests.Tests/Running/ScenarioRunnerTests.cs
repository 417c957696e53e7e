using ActorSmtp.LoadTests.Running;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Running;

public sealed class ScenarioRunnerTests
{
    [Theory]
    [InlineData("raw", true)]
    [InlineData("raw", false)]
    [InlineData("mailkit", true)]
    public async Task Two_sessions_send_exactly_the_message_limit(string client, bool pipelining)
    {
        await using var responder = new FakeSmtpResponder(pipelining);

        var result = await ScenarioRunner.RunAsync(
            Scenario(responder, "keep:2:30s", Enum.Parse<ClientKind>(client, ignoreCase: true)) with { MaxMessages = 20, MessagesPerConnection = 5 },
            progress: null, CancellationToken.None);

        Assert.Equal(20, result.Succeeded);
        Assert.Equal(0, result.Failed);
        Assert.Equal(20, responder.MessagesReceived);
        Assert.Equal(20, result.Latencies[Step.Message].Count);
        Assert.Equal(20, result.Latencies[Step.DataReply].Count);
        Assert.Equal(4, result.Latencies[Step.ConnectGreeting].Count); // 20 messages / 5 per connection
        Assert.Equal(20, result.Throughput.Sum(b => b.Succeeded));
    }

    [Fact]
    public async Task The_last_connection_carries_the_rest_of_the_limit()
    {
        await using var responder = new FakeSmtpResponder();

        var result = await ScenarioRunner.RunAsync(
            Scenario(responder, "keep:2:30s", ClientKind.Raw) with { MaxMessages = 22, MessagesPerConnection = 5 },
            progress: null, CancellationToken.None);

        Assert.Equal(22, result.Succeeded);
        Assert.Equal(22, responder.MessagesReceived);
        Assert.Equal(5, responder.ConnectionsAccepted); // 4 × 5 messages, then one with the last 2
    }

    [Fact]
    public async Task One_message_per_connection_opens_a_connection_per_message()
    {
        await using var responder = new FakeSmtpResponder();

        var result = await ScenarioRunner.RunAsync(
            Scenario(responder, "keep:2:30s", ClientKind.Raw) with { MaxMessages = 20, MessagesPerConnection = 1 },
            progress: null, CancellationToken.None);

        Assert.Equal(20, result.Succeeded);
        Assert.Equal(20, responder.ConnectionsAccepted);
        Assert.Equal(20, result.Latencies[Step.Ehlo].Count);
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("mailkit")]
    public async Task Rejected_recipients_are_tallied_by_reply_code(string client)
    {
        await using var responder = new FakeSmtpResponder(rcptReply: "550 5.1.1 no such user");

        var result = await ScenarioRunner.RunAsync(
            Scenario(responder, "keep:2:30s", Enum.Parse<ClientKind>(client, ignoreCase: true)) with { MaxMessages = 10 }, progress: null, CancellationToken.None);

        Assert.Equal(0, result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("550", error.Kind);
        Assert.Equal(10, error.Count);
        Assert.Equal(1.0, result.ErrorRate);
    }

    [Fact]
    public async Task Injected_messages_are_all_sent()
    {
        await using var responder = new FakeSmtpResponder();

        var result = await ScenarioRunner.RunAsync(
            Scenario(responder, "inject:200:30s", ClientKind.Raw) with { MaxMessages = 20 }, progress: null, CancellationToken.None);

        Assert.Equal(20, result.Succeeded);
        Assert.Equal(20, responder.MessagesReceived);
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_connection_refused()
    {
        int port;
        await using (var responder = new FakeSmtpResponder())
            port = LoopbackTarget.Parse(responder.Target).Port;

        var result = await ScenarioRunner.RunAsync(new ScenarioSettings
        {
            Name = "refused",
            Target = LoopbackTarget.Parse($"127.0.0.1:{port}"),
            Load = new LoadPlan([LoadSimulation.Parse("keep:1:30s")]),
            MaxMessages = 2,
        }, progress: null, CancellationToken.None);

        Assert.Equal("connection-refused", Assert.Single(result.Errors).Kind);
    }

    private static ScenarioSettings Scenario(FakeSmtpResponder responder, string load, ClientKind client) => new()
    {
        Name = "test",
        Target = LoopbackTarget.Parse(responder.Target),
        Load = new LoadPlan([LoadSimulation.Parse(load)]),
        Client = client,
        Size = MessageSizeMix.Parse("1k:3,10k:1"),
        Recipients = 2,
        IoTimeout = TimeSpan.FromSeconds(5),
    };
}
