using System.Diagnostics;
using System.Net;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Cluster.Tests;

/// <summary>
/// Cluster-wide per-client counters (ClusterClientCounters) on 3 nodes with a limit of 5: the measured
/// overshoot stays within the documented bound K + (N−1) × min(K, events per node within the replication lag).
/// </summary>
public sealed class ClusterCountersTests(ITestOutputHelper output)
{
    private const int Limit = 5;
    private const int Nodes = 3;
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(2.5); // delta propagation 400 ms, full gossip 2 s, notify 100 ms

    [Fact]
    public async Task A_connection_limit_of_5_across_3_nodes_holds_within_the_stated_bound()
    {
        var nodes = await ClusterTestNode.StartClusterAsync(["smtp", "storage"], ["smtp", "storage"], ["smtp", "storage"]);
        try
        {
            var counters = nodes.Select(n => n.Node.Counters).ToArray();

            // 1. Replication lag: one connection on node 0, until the others see it.
            var probe = IPAddress.Parse("192.0.2.1");
            var watch = Stopwatch.StartNew();
            Assert.True(counters[0].TryAcquireConnection(probe, Limit));
            await ClusterTestNode.WaitForAsync(() => counters.All(c => c.ConnectionCount(probe) == 1), MaxLag * 2, "replicated");
            var lag = watch.Elapsed;
            output.WriteLine($"replication lag: {lag.TotalMilliseconds:F0} ms");
            counters[0].ReleaseConnection(probe);
            await ClusterTestNode.WaitForAsync(() => counters.All(c => c.ConnectionCount(probe) == 0), MaxLag * 2, "released everywhere");

            // 2. A client that connects at a pace slower than the lag, round-robin over the nodes: exactly the limit.
            var paced = IPAddress.Parse("192.0.2.2");
            var gap = TimeSpan.FromMilliseconds(700);
            var pacedAccepted = 0;
            for (var i = 0; i < 9; i++)
            {
                if (counters[i % Nodes].TryAcquireConnection(paced, Limit))
                    pacedAccepted++;
                await Task.Delay(gap);
            }
            var perNodeWithinLag = (int)Math.Ceiling(MaxLag / (gap * Nodes));
            var pacedBound = Limit + (Nodes - 1) * Math.Min(Limit, perNodeWithinLag);
            output.WriteLine($"paced (one every {gap.TotalMilliseconds} ms): {pacedAccepted} accepted, overshoot {pacedAccepted - Limit}, bound {pacedBound - Limit}");
            Assert.InRange(pacedAccepted, Limit, pacedBound);

            // 3. A burst: 5 connections at once on every node, before any replication: the worst case.
            var burst = IPAddress.Parse("192.0.2.3");
            var burstAccepted = await Task.WhenAll(counters.Select(c => Task.Run(() =>
                Enumerable.Range(0, Limit).Count(_ => c.TryAcquireConnection(burst, Limit)))));
            var total = burstAccepted.Sum();
            output.WriteLine($"burst (5 per node at once): {total} accepted, overshoot {total - Limit}, bound {(Nodes - 1) * Limit}");
            Assert.InRange(total, Limit, Nodes * Limit);

            // 4. Once replicated, every node sees the whole count and admits no more anywhere.
            await ClusterTestNode.WaitForAsync(() => counters.All(c => c.ConnectionCount(burst) == total), MaxLag * 2, "burst replicated");
            Assert.All(counters, c => Assert.False(c.TryAcquireConnection(burst, Limit)));

            // 5. Releases bring it back under the limit everywhere.
            for (var n = 0; n < Nodes; n++)
                for (var i = 0; i < burstAccepted[n]; i++)
                    counters[n].ReleaseConnection(burst);
            await ClusterTestNode.WaitForAsync(() => counters.All(c => c.ConnectionCount(burst) == 0), MaxLag * 2, "burst released");
            Assert.True(counters[2].TryAcquireConnection(burst, Limit));
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_rate_limit_of_5_per_window_across_3_nodes_counts_every_node_and_a_crashed_nodes_connections_stop_counting()
    {
        var founder = await ClusterTestNode.StartAsync(["smtp", "storage"], hocon: "actorsmtp.cluster.down-unreachable-after = 1s");
        var second = await ClusterTestNode.StartAsync(["smtp", "storage"], founder.Seed, "actorsmtp.cluster.down-unreachable-after = 1s");
        var doomed = await ClusterTestNode.StartAsync(["smtp", "storage"], founder.Seed, "actorsmtp.cluster.down-unreachable-after = 1s", crashable: true);
        try
        {
            await ClusterTestNode.WaitForAsync(() => new[] { founder, second, doomed }.All(n => n.UpMembers() == 3), TimeSpan.FromSeconds(20), "3 up");
            var counters = new[] { founder, second, doomed }.Select(n => n.Node.Counters).ToArray();
            var client = IPAddress.Parse("198.51.100.7");
            var window = TimeSpan.FromMinutes(1);
            // Fixed windows: a run across a window boundary would rightly count afresh after it, so start clear of one.
            var intoWindow = TimeSpan.FromTicks(DateTime.UtcNow.Ticks % window.Ticks);
            if (window - intoWindow < TimeSpan.FromSeconds(10))
                await Task.Delay(window - intoWindow + TimeSpan.FromMilliseconds(100));
            var accepted = 0;
            for (var i = 0; i < 9; i++)
            {
                if (counters[i % Nodes].TryCount("messages", client, Limit, window))
                    accepted++;
                await Task.Delay(700);
            }
            output.WriteLine($"rate, paced: {accepted} accepted of 9 with a limit of {Limit}");
            Assert.InRange(accepted, Limit, Limit + (Nodes - 1));

            // The doomed node holds 2 connections of a client, then crashes: once it is downed they stop counting.
            var holder = IPAddress.Parse("198.51.100.8");
            Assert.True(counters[2].TryAcquireConnection(holder, Limit));
            Assert.True(counters[2].TryAcquireConnection(holder, Limit));
            await ClusterTestNode.WaitForAsync(() => counters[0].ConnectionCount(holder) == 2, MaxLag * 2, "replicated");
            await doomed.System.Terminate();
            await ClusterTestNode.WaitForAsync(() => counters[0].ConnectionCount(holder) == 0 && counters[1].ConnectionCount(holder) == 0,
                TimeSpan.FromSeconds(25), "crashed node's connections dropped");
        }
        finally
        {
            await second.DisposeAsync();
            await founder.DisposeAsync();
            await doomed.DisposeAsync();
        }
    }
}
