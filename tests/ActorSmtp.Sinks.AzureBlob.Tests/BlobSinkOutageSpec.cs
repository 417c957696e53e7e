using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>Storage that cannot be reached: a temporary failure within a bounded time, never Stored; recovery.</summary>
public sealed class BlobSinkOutageSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = ERROR", output)
{
    // Small retry settings: 1 + 2 tries, 50 ms then 100 ms apart.
    private const string FastRetries = "retry { max-retries = 2, delay = 50ms, max-delay = 100ms, network-timeout = 2s }";

    private IActorRef CreateSink(string connectionString) =>
        Sys.ActorOf(Props.Create(typeof(BlobSink), ConfigurationFactory.ParseString($"""
            type = azure-blob
            connection-string = {System.Text.Json.JsonSerializer.Serialize(connectionString)}
            container = outage
            {FastRetries}
            """)));

    private async Task<SinkProtocol.Result> StoreAsync(IActorRef sink, string id)
    {
        sink.Tell(Store(id, Body(Bytes($"Subject: {id}\r\n\r\nbody\r\n"))), TestActor);
        return await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Nothing_listening_gives_a_temporary_failure_within_a_bounded_time()
    {
        var sink = CreateSink(Azurite.UnreachableConnectionString());
        var clock = Stopwatch.StartNew();

        var result = await StoreAsync(sink, NewId());

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal(451, failure.Code);
        Assert.Equal("4.3.0", failure.EnhancedCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_stopped_azurite_fails_stores_and_the_sink_recovers_when_it_is_back()
    {
        await using var azurite = await Azurite.StartAsync();
        var sink = CreateSink(azurite.ConnectionString);
        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(sink, NewId()));

        await azurite.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            Assert.IsType<SinkProtocol.TemporaryFailure>(await StoreAsync(sink, NewId()));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }

        // In memory, the restarted Azurite has lost the container: the sink finds out and creates it again.
        await azurite.StartAgainAsync();
        var id = NewId();
        await AwaitAssertAsync(async () => Assert.IsType<SinkProtocol.Stored>(await StoreAsync(sink, id = NewId())),
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
        Assert.True((await azurite.Container("outage").GetBlobClient($"2026/11/28/{id}.eml").ExistsAsync()).Value);
    }
}
