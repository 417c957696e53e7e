using System.Diagnostics;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>Alone: other classes' messages would grow the process too.</summary>
[CollectionDefinition(nameof(RelayMemoryTests), DisableParallelization = true)]
public sealed class RelayMemoryCollection;

/// <summary>The body streams through one buffer: a 100 MB message relays with the process growing by 32 MB at most.</summary>
[Collection(nameof(RelayMemoryTests))]
public sealed class RelayMemoryTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly ITestOutputHelper _output;

    public RelayMemoryTests(ITestOutputHelper output) : base("akka.loglevel = WARNING", output) => _output = output;

    private const long MessageSize = 100L * 1024 * 1024;
    private const long AllowedGrowth = 32L * 1024 * 1024;

    [Fact]
    public async Task A_100_MB_message_relays_with_at_most_32_MB_of_growth()
    {
        await using var upstream = await SmtpSinkProcess.StartAsync(dump: false); // another process: its memory is not ours
        var sink = Sys.ActorOf(RelayBlocks.Props(RelayBlocks.Smarthost(upstream.Port)));
        var line = Bytes(new string('m', 78) + "\r\n");
        ReadOnlyMemory<byte> chunk = Enumerable.Repeat(line, 800).SelectMany(l => l).ToArray(); // 64 000 bytes, sent again and again
        var (body, writer) = MessageBody.Streaming([], capacity: 8);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Rss();
        sink.Tell(Store(NewId(), body), TestActor);
        var peak = baseline;
        var feeding = Task.Run(async () =>
        {
            for (long sent = 0; sent < MessageSize; sent += chunk.Length)
                await writer.WriteAsync(chunk); // no copy: the relay must not keep what it was given
            writer.Complete();
        });
        using (var sampling = new Timer(_ => peak = Math.Max(peak, Rss()), null, 0, 20))
        {
            await feeding.WaitAsync(TimeSpan.FromMinutes(2));
            await ExpectMsgAsync<SinkProtocol.Stored>(TimeSpan.FromMinutes(1));
        }

        _output.WriteLine($"RSS {baseline / 1048576} MB before, {peak / 1048576} MB at most while relaying");
        Assert.True(peak - baseline <= AllowedGrowth, $"grew by {(peak - baseline) / 1048576} MB");
    }

    private static long Rss()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
