using ActorSmtp.LoadTests.Running;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Running;

/// <summary>A tiny scenario of each client kind against the real server, in this process, null sink.</summary>
public sealed class ActorSmtpSmokeTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync("actorsmtp.sink = null");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("raw", 5)]
    [InlineData("raw", 1)]
    [InlineData("mailkit", 5)]
    [InlineData("bdat", 5)]
    [InlineData("bdat", 1)]
    public async Task A_tiny_scenario_delivers_every_message(string client, int messagesPerConnection)
    {
        var result = await ScenarioRunner.RunAsync(Smoke(_server, client, messagesPerConnection), progress: null, CancellationToken.None);

        Assert.Equal(20, result.Succeeded);
        Assert.Equal(0, result.Failed);
        Assert.Empty(result.Errors);
        Assert.Equal(20, result.Latencies[Step.DataReply].Count);
    }

    [Fact]
    public async Task The_bdat_client_really_sends_bdat_it_fails_where_chunking_is_off()
    {
        await using var server = await TestServer.StartAsync("actorsmtp { sink = null, chunking = off }");
        var result = await ScenarioRunner.RunAsync(Smoke(server, "bdat", 5) with { MaxMessages = 4 }, progress: null, CancellationToken.None);

        Assert.Equal(0, result.Succeeded);
        Assert.Contains(result.Errors, error => error.Kind == "unsupported");
    }

    private static ScenarioSettings Smoke(TestServer server, string client, int messagesPerConnection) => new()
    {
        Name = "smoke",
        Target = LoopbackTarget.Parse(server.EndPoint.ToString()),
        Load = new LoadPlan([LoadSimulation.Parse("keep:2:30s")]),
        Client = Enum.Parse<ClientKind>(client, ignoreCase: true),
        Size = MessageSizeMix.Parse("1k:3,10k:1"),
        Recipients = 2,
        MessagesPerConnection = messagesPerConnection,
        MaxMessages = 20,
        IoTimeout = TimeSpan.FromSeconds(10),
    };
}
