using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ActorSmtp.Cluster.Tests;

/// <summary>The listener's per-client limits, counted across the cluster through real SMTP connections.</summary>
public sealed class ClusterWideLimitTests
{
    private const string Limits = """
        actorsmtp.limits.max-connections-per-client = 2
        actorsmtp.trusted-networks = []
        """;

    [Fact]
    public async Task A_client_at_its_connection_limit_on_one_node_is_refused_by_another()
    {
        await using var first = await ClusterTestNode.StartAsync(["smtp", "storage"], hocon: Limits);
        await using var second = await ClusterTestNode.StartAsync(["smtp", "storage"], first.Seed, hocon: Limits);
        await ClusterTestNode.WaitForAsync(() => first.UpMembers() == 2 && second.UpMembers() == 2, TimeSpan.FromSeconds(20), "cluster formed");

        using var a1 = await ConnectAsync(first.EndPoint);
        using var a2 = await ConnectAsync(first.EndPoint);
        Assert.StartsWith("220", a1.Greeting);
        Assert.StartsWith("220", a2.Greeting);
        await ClusterTestNode.WaitForAsync(() => second.Node.Counters.ConnectionCount(IPAddress.Loopback) == 2,
            TimeSpan.FromSeconds(10), "the first node's connections replicated");

        using (var refused = await ConnectAsync(second.EndPoint))
            Assert.StartsWith("421 4.7.0", refused.Greeting); // alone, the second node would have admitted it

        a1.Dispose();
        await ClusterTestNode.WaitForAsync(() => second.Node.Counters.ConnectionCount(IPAddress.Loopback) == 1,
            TimeSpan.FromSeconds(10), "the closed connection released everywhere");
        using var b1 = await ConnectAsync(second.EndPoint);
        Assert.StartsWith("220", b1.Greeting);
    }

    private static async Task<Connection> ConnectAsync(IPEndPoint server)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server);
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
        return new Connection(client, Encoding.ASCII.GetString(buffer, 0, read));
    }

    private sealed record Connection(TcpClient Client, string Greeting) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }
}
