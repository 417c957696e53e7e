using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Sinks;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>A sink that crashes on a message whose subject says so, and stores nothing otherwise.</summary>
public sealed class CrashingSink(Config config) : MessageSinkActor
{
    public static int Instances;

    public Config Config { get; } = config;

    protected override void PreStart() => Interlocked.Increment(ref Instances);

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        var self = Self; // after the first await there is no actor context
        await store.Body.Source.RunWith(Akka.Streams.Dsl.Sink.Ignore<ReadOnlyMemory<byte>>(), Materializer); // the Akka.Streams view
        if (store.Headers.Subject == "crash")
            self.Tell(new InvalidOperationException("boom")); // crash inside the actor, not the task
        return new SinkProtocol.Stored(store.MessageId, "memory");
    }

    protected override void OnOther(object message)
    {
        if (message is Exception ex)
            throw ex;
        base.OnOther(message);
    }
}

public sealed class SinkSupervisionSpec() : TestKit("akka.loglevel = ERROR")
{
    [Fact]
    public async Task A_crashing_sink_is_restarted_and_clients_get_451_4_3_0_while_it_is_down()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              sink = crashing
              sinks.crashing.type = "{{typeof(CrashingSink).AssemblyQualifiedName}}"
              sink-restart { min-backoff = 2s, max-backoff = 2s, random-factor = 0 }
            }
            """));
        var server = await ActorSmtpServer.StartAsync(Sys, settings);
        var before = CrashingSink.Instances;
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoints[0]);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");

        Assert.StartsWith("250 2.0.0", await SendAsync(client, "crash")); // stored, then the sink crashes
        // A store that races the crash may be lost with the dying sink's mailbox; the sink timeout answers
        // that one (451 too). Here we check the steady state: the supervisor knows the sink is down.
        await AwaitConditionAsync(async () =>
            !(await server.Sink.Ask<SinkSupervisorProtocol.Health>(SinkSupervisorProtocol.GetHealth.Instance, TimeSpan.FromSeconds(3))).Running);
        var whileDown = await SendAsync(client, "ordinary");
        Assert.StartsWith("451 4.3.0", whileDown); // answered at once by the sink's supervisor, not after a timeout

        await AwaitConditionAsync(() => Task.FromResult(CrashingSink.Instances > before), TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(async () => Assert.StartsWith("250 2.0.0", await SendAsync(client, "ordinary")),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
    }

    private static async Task<string> SendAsync(RawSmtpClient client, string subject)
    {
        await client.BeginDataAsync();
        await client.SendAsync($"Subject: {subject}\r\n\r\nbody\r\n.\r\n");
        return (await client.ReadReplyAsync())[^1];
    }
}
