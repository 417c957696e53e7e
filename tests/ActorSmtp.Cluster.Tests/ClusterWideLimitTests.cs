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

    [Fact]
    public async Task A_client_at_its_auth_rate_on_one_node_is_refused_AUTH_by_another()
    {
        var hocon = $$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, auth = optional } ]
            actorsmtp.auth { users = [ { name = alice, password-hash = "{{Server.Auth.PasswordHash.Create("right")}}" } ], allow-insecure-auth = on, failure-delay = 0s }
            actorsmtp.limits.auth-rate-per-client = 2
            actorsmtp.trusted-networks = []
            """;
        await using var first = await ClusterTestNode.StartAsync(["smtp", "storage"], hocon: hocon);
        await using var second = await ClusterTestNode.StartAsync(["smtp", "storage"], first.Seed, hocon: hocon);
        await ClusterTestNode.WaitForAsync(() => first.UpMembers() == 2 && second.UpMembers() == 2, TimeSpan.FromSeconds(20), "cluster formed");
        // Cluster-wide rate windows are fixed UTC minutes: a test across the end of one would see its count reset.
        if (DateTime.UtcNow.Second >= 50)
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));

        var wrong = "AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0wrong"));
        using (var a = await ConnectAsync(first.EndPoint))
        {
            Assert.StartsWith("250", await a.CommandAsync("EHLO c"));
            Assert.StartsWith("535", await a.CommandAsync(wrong));
            Assert.StartsWith("535", await a.CommandAsync(wrong));
        }
        await ClusterTestNode.WaitForAsync(() => second.Node.Counters.Count("auths", IPAddress.Loopback, TimeSpan.FromMinutes(1)) == 2,
            TimeSpan.FromSeconds(10), "the first node's AUTH count replicated");

        using var b = await ConnectAsync(second.EndPoint); // alone, the second node would let it try
        Assert.StartsWith("250", await b.CommandAsync("EHLO c"));
        Assert.StartsWith("450 4.7.1", await b.CommandAsync(wrong));
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
        private StreamReader Reader { get; } = new(Client.GetStream(), Encoding.ASCII);

        /// <summary>Sends one command line and returns the last line of its reply.</summary>
        public async Task<string> CommandAsync(string line)
        {
            await Client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            string? reply;
            do
                reply = await Reader.ReadLineAsync(timeout.Token) ?? throw new IOException($"closed after {line}");
            while (reply.Length > 3 && reply[3] == '-');
            return reply;
        }

        public void Dispose() => Client.Dispose();
    }
}
