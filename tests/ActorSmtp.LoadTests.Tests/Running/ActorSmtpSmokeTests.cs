using Akka.Actor;
using ActorSmtp.LoadTests.Running;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;

namespace ActorSmtp.LoadTests.Tests.Running;

/// <summary>A tiny scenario of each client kind against the real server, in this process, null sink.</summary>
public sealed class ActorSmtpSmokeTests : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private ActorSmtpServer _server = null!;

    public async Task InitializeAsync()
    {
        var config = ActorSmtpConfig.FromString("""
            actorsmtp { endpoints = [ { address = "127.0.0.1", port = 0 } ], sink = null }
            akka.loglevel = WARNING
            """);
        _system = ActorSystem.Create("smoke", config);
        _server = await ActorSmtpServer.StartAsync(_system, ActorSmtpSettings.FromConfig(config));
    }

    public Task DisposeAsync() => _system.Terminate();

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
        var config = ActorSmtpConfig.FromString("""
            actorsmtp { endpoints = [ { address = "127.0.0.1", port = 0 } ], sink = null, chunking = off }
            akka.loglevel = WARNING
            """);
        var system = ActorSystem.Create("smoke-no-chunking", config);
        try
        {
            var server = await ActorSmtpServer.StartAsync(system, ActorSmtpSettings.FromConfig(config));
            var result = await ScenarioRunner.RunAsync(Smoke(server, "bdat", 5) with { MaxMessages = 4 }, progress: null, CancellationToken.None);

            Assert.Equal(0, result.Succeeded);
            Assert.Contains(result.Errors, error => error.Kind == "unsupported");
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static ScenarioSettings Smoke(ActorSmtpServer server, string client, int messagesPerConnection) => new()
    {
        Name = "smoke",
        Target = LoopbackTarget.Parse(server.EndPoints[0].ToString()),
        Load = new LoadPlan([LoadSimulation.Parse("keep:2:30s")]),
        Client = Enum.Parse<ClientKind>(client, ignoreCase: true),
        Size = MessageSizeMix.Parse("1k:3,10k:1"),
        Recipients = 2,
        MessagesPerConnection = messagesPerConnection,
        MaxMessages = 20,
        IoTimeout = TimeSpan.FromSeconds(10),
    };
}
