using System.Text;
using ActorSmtp.TestSupport;
using MailKit.Net.Smtp;
using MimeKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Cluster.Tests;

/// <summary>
/// Front nodes (smtp) that store on a storage node: bodies stream over StreamRefs, 250 only after the
/// remote store, 451 when the storage node dies mid-transfer, and no acknowledged message lost when a node dies.
/// </summary>
public sealed class StorageRoleTests(ITestOutputHelper output)
{
    private static Task<SmtpClient> ConnectAsync(ClusterTestNode node) => SmtpClients.ConnectAsync(node.EndPoint, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task A_message_sent_to_a_front_node_is_stored_byte_exact_on_the_storage_node()
    {
        var nodes = await ClusterTestNode.StartClusterAsync(["storage"], ["smtp"]);
        await using var storage = nodes[0];
        await using var front = nodes[1];
        // Big enough for many stream elements (32 KiB each) and dot-stuffing on the way.
        var body = string.Join("\r\n", Enumerable.Range(0, 20_000).Select(i => i % 97 == 0 ? $".dot line {i}" : $"line {i} ✓ ünïcödé"));
        var message = MimeMessages.Create("Über den Cluster", body);
        message.Headers.Add("X-Trace", "front→storage");

        using (var client = await ConnectAsync(front))
        {
            var response = await client.SendAsync(message);
            Assert.StartsWith("2.0.0 Ok: queued as ", response);
            await client.DisconnectAsync(true);
        }

        var (id, stored) = Assert.Single(storage.StoredMessages());
        Assert.Equal(MimeMessages.WireBytes(message), stored);
        Assert.True(stored.Length > 300_000, $"{stored.Length} bytes");
        Assert.Empty(front.StoredMessages()); // the front node has no sinks of its own
        var json = await File.ReadAllTextAsync(Path.Combine(storage.MailDirectory, id + ".json"));
        Assert.Contains("rcpt@example.test", json);
        Assert.Contains("Über den Cluster", json); // headers re-sniffed on the storage node
        Assert.Contains("\"127.0.0.1\"", json); // the client's address travelled with the envelope
    }

    [Fact]
    public async Task Without_a_reachable_storage_node_a_front_node_answers_451()
    {
        await using var front = await ClusterTestNode.StartAsync(["smtp"]); // a cluster of one front node
        await front.Node.WhenUp.WaitAsync(TimeSpan.FromSeconds(20));
        using var client = await ConnectAsync(front);
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(MimeMessages.Create("no storage", "x")));
        Assert.Equal(451, (int)error.StatusCode);
        Assert.Equal("4.4.1 storage node unreachable, try again later", error.Message); // says what failed
    }

    [Fact]
    public async Task Clients_hanging_up_on_a_front_node_never_open_the_storage_nodes_circuit_breaker()
    {
        // Named temporary files, so that each transfer's arrival on (and removal from) the storage node can be seen.
        await using var storage = await ClusterTestNode.StartAsync(["storage"], hocon: "actorsmtp.sinks.file.temporary-files = named");
        await using var front = await ClusterTestNode.StartAsync(["smtp"], storage.Seed);
        await ClusterTestNode.WaitForAsync(() => front.UpMembers() == 2 && storage.UpMembers() == 2, TimeSpan.FromSeconds(20), "2 nodes up");
        bool Transferring() => Directory.Exists(storage.MailDirectory) && Directory.GetFiles(storage.MailDirectory, ".*.tmp").Length > 0;
        const int aborts = 8; // the default breaker opens after 5 failures in a row
        for (var i = 0; i < aborts; i++)
        {
            await using (var client = await RawSmtpClient.GreetedAsync(front.EndPoint))
            {
                await client.BeginDataAsync();
                await client.SendAsync("Subject: abandoned\r\n\r\n" + string.Concat(Enumerable.Repeat("partial body line\r\n", 5000)));
                await ClusterTestNode.WaitForAsync(Transferring, TimeSpan.FromSeconds(10), $"transfer {i} started");
            } // hung up mid-DATA
            await ClusterTestNode.WaitForAsync(() => !Transferring(), TimeSpan.FromSeconds(10), $"transfer {i} abandoned");
        }

        using var mail = await ConnectAsync(front);
        Assert.StartsWith("2.0.0 Ok: queued as ", await mail.SendAsync(MimeMessages.Create("after the aborts", "still stored")));
        Assert.Single(storage.StoredMessages());
    }

    [Fact]
    public async Task Storage_node_dying_mid_transfer_gives_451_and_stores_nothing()
    {
        // Named temporary files, so that the transfer's arrival on the storage node can be seen.
        var storage = await ClusterTestNode.StartAsync(["storage"], hocon: "actorsmtp.sinks.file.temporary-files = named", crashable: true);
        await using var front = await ClusterTestNode.StartAsync(["smtp"], storage.Seed);
        var storageTerminated = false;
        try
        {
            await ClusterTestNode.WaitForAsync(() => front.UpMembers() == 2 && storage.UpMembers() == 2, TimeSpan.FromSeconds(20), "2 nodes up");
            await using var client = await RawSmtpClient.ConnectAsync(front.EndPoint);
            await client.ReadReplyAsync();
            foreach (var command in new[] { "EHLO client.test\r\n", "MAIL FROM:<a@example.test>\r\n", "RCPT TO:<b@example.test>\r\n", "DATA\r\n" })
            {
                await client.SendAsync(command);
                await client.ReadReplyAsync();
            }
            await client.SendAsync("Subject: half\r\n\r\n" + string.Concat(Enumerable.Repeat("partial body line\r\n", 5000)));
            // The storage node has the transfer when its file sink has started a temporary file.
            await ClusterTestNode.WaitForAsync(() => Directory.Exists(storage.MailDirectory) &&
                Directory.GetFiles(storage.MailDirectory, ".*.tmp").Length > 0, TimeSpan.FromSeconds(10), "transfer started");

            var started = DateTime.UtcNow;
            await storage.System.Terminate(); // no leave: to the front node this is a crash
            storageTerminated = true;
            await client.SendAsync("the rest\r\n.\r\n");
            var reply = await client.ReadReplyAsync();
            output.WriteLine($"{reply[0]} after {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            Assert.Equal("451 4.4.1 storage node unreachable, try again later", reply[0]);
            Assert.Empty(storage.StoredMessages());
        }
        finally
        {
            if (!storageTerminated)
                await storage.System.Terminate();
            if (Directory.Exists(storage.MailDirectory))
                Directory.Delete(storage.MailDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Killing_one_front_node_leaves_the_others_serving_and_loses_no_acknowledged_message()
    {
        var storage = await ClusterTestNode.StartAsync(["storage"]);
        await using var _ = storage;
        var doomed = await ClusterTestNode.StartAsync(["smtp"], storage.Seed, crashable: true);
        await using var survivor = await ClusterTestNode.StartAsync(["smtp"], storage.Seed);
        await ClusterTestNode.WaitForAsync(() => storage.UpMembers() == 3 && doomed.UpMembers() == 3 && survivor.UpMembers() == 3,
            TimeSpan.FromSeconds(20), "3 nodes up");

        var acknowledged = new Dictionary<string, byte[]>();
        async Task SendAsync(ClusterTestNode node, string subject)
        {
            using var client = await ConnectAsync(node);
            var message = MimeMessages.Create(subject, $"{subject}\r\nbody");
            var response = await client.SendAsync(message);
            acknowledged[response.Split(' ')[^1]] = MimeMessages.WireBytes(message);
            await client.DisconnectAsync(true);
        }

        for (var i = 0; i < 5; i++)
        {
            await SendAsync(doomed, $"via doomed {i}");
            await SendAsync(survivor, $"via survivor {i}");
        }
        await doomed.System.Terminate(); // a crash: no leave
        for (var i = 0; i < 5; i++)
            await SendAsync(survivor, $"after the crash {i}");

        var stored = storage.StoredMessages();
        Assert.Equal(15, acknowledged.Count);
        foreach (var (id, bytes) in acknowledged)
            Assert.Equal(bytes, stored[id]);
        if (Directory.Exists(doomed.MailDirectory))
            Directory.Delete(doomed.MailDirectory, recursive: true);
    }
}
