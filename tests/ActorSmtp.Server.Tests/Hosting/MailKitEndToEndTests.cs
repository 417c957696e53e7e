using System.Text;
using MailKit.Net.Smtp;
using MimeKit;
using Xunit;

namespace ActorSmtp.Server.Tests.Hosting;

/// <summary>End to end over real sockets with MailKit, the client applications use, into the durable file sink.</summary>
public sealed class MailKitEndToEndTests
{
    [Fact]
    public async Task One_message_is_stored_byte_exact_with_its_envelope()
    {
        await using var server = await TestServer.StartAsync();
        var message = MimeMessages.Create("Hello", "First line\r\n.leading dot\r\nlast");
        using (var client = await server.ConnectAsync())
        {
            var response = await client.SendAsync(message);
            Assert.StartsWith("2.0.0 Ok: queued as ", response);
            await client.DisconnectAsync(true);
        }

        var (id, stored) = Assert.Single(server.StoredMessages());
        Assert.Equal(MimeMessages.WireBytes(message), stored);
        var json = JsonOf(server, id);
        Assert.Contains("sender@example.test", json);
        Assert.Contains("rcpt@example.test", json);
        Assert.Contains("Hello", json);
    }

    [Fact]
    public async Task Fifty_concurrent_clients_times_twenty_messages_all_land_intact()
    {
        await using var server = await TestServer.StartAsync();
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(async c =>
        {
            using var client = await server.ConnectAsync();
            for (var m = 0; m < 20; m++)
            {
                var message = MimeMessages.Create($"c{c} m{m}", $"client {c} message {m}\r\n" + new string('x', 100 * m));
                var response = await client.SendAsync(message);
                sent[response.Split(' ')[^1]] = MimeMessages.WireBytes(message);
            }
            await client.DisconnectAsync(true);
        }));

        var stored = server.StoredMessages();
        Assert.Equal(1000, sent.Count);
        Assert.Equal(1000, stored.Count);
        foreach (var (id, bytes) in sent)
            Assert.Equal(bytes, stored[id]);
    }

    [Fact]
    public async Task Ten_megabyte_message_streams_through()
    {
        await using var server = await TestServer.StartAsync();
        var body = new StringBuilder();
        var line = new string('a', 76);
        while (body.Length < 10 * 1024 * 1024)
            body.Append(line).Append("\r\n").Append('.').Append(line).Append("\r\n"); // dot-stuffed on the wire
        var message = MimeMessages.Create("big", body.ToString());
        using var client = await server.ConnectAsync();
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var stored = Assert.Single(server.StoredMessages()).Value;
        Assert.True(stored.Length > 10 * 1024 * 1024);
        Assert.Equal(MimeMessages.WireBytes(message), stored);
    }

    [Fact]
    public async Task Smtputf8_addresses_are_accepted_and_recorded()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync();
        var message = MimeMessages.Create("Grüße", "hej", to: "用户@例子.广告");
        message.From.Clear();
        message.From.Add(new MailboxAddress("Jörg", "jörg@example.test"));
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var (id, _) = Assert.Single(server.StoredMessages());
        var json = JsonOf(server, id);
        Assert.Contains("用户@例子.广告", json);
        Assert.Contains("jörg@example.test", json);
    }

    [Fact]
    public async Task Size_limit_is_enforced_during_data_with_552_and_nothing_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 64KiB");
        using var client = await server.ConnectAsync();
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(MimeMessages.Create("big", new string('z', 200_000))));
        Assert.Equal(SmtpStatusCode.ExceededStorageAllocation, error.StatusCode);
        Assert.Empty(server.AllFiles());
        await client.SendAsync(MimeMessages.Create("small", "fits")); // the session goes on
        Assert.Single(server.StoredMessages());
    }

    private static string JsonOf(TestServer server, string id) => File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"));
}
