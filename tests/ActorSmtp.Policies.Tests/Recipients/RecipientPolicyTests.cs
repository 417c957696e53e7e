using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Policies.Tests.Recipients;

/// <summary><c>type = recipients</c> over real sockets: unknown recipients refused at RCPT, the file reloaded while sessions run.</summary>
public sealed class RecipientPolicyTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"actorsmtp-recipients-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_file);

    private static async Task<RawSmtpClient> InTransactionAsync(TestServer server)
    {
        var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<sender@elsewhere.test>\r\n");
        await client.ExpectAsync("250 ");
        await client.ExpectAsync("250 2.1.0");
        return client;
    }

    private static async Task<string> RcptAsync(RawSmtpClient client, string recipient)
    {
        await client.SendAsync($"RCPT TO:<{recipient}>\r\n");
        return (await client.ReadReplyAsync())[^1];
    }

    [Fact]
    public async Task Unknown_recipients_get_550_5_1_1_and_known_ones_and_their_domains_are_stored()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.policies = [ { type = recipients, addresses = ["alice@example.com", "@support.example.com"] } ]
            """);
        await using var client = await InTransactionAsync(server);

        Assert.Equal("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown", await RcptAsync(client, "bob@example.com"));
        Assert.StartsWith("250 2.1.5", await RcptAsync(client, "alice@example.com"));
        Assert.StartsWith("250 2.1.5", await RcptAsync(client, "help@support.example.com"));
        await client.SendAsync("DATA\r\n");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: directory\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var (id, _) = Assert.Single(server.StoredMessages());
        var envelope = File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"));
        Assert.Contains("help@support.example.com", envelope);
        Assert.DoesNotContain("bob@example.com", envelope);
    }

    [Fact]
    public async Task The_file_is_reloaded_while_a_session_runs_and_a_broken_file_keeps_the_entries_in_force()
    {
        File.WriteAllLines(_file, ["alice@example.com"]);
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp.policies = [ { type = recipients, file = "{{_file}}", reload-interval = 50ms } ]
            """);
        await using var client = await InTransactionAsync(server);
        Assert.StartsWith("550 5.1.1", await RcptAsync(client, "bob@example.com"));

        var next = _file + ".new";
        File.WriteAllLines(next, ["alice@example.com", "bob@example.com"]);
        File.Move(next, _file, overwrite: true); // as an operator's tooling would: a rename, never a half file
        Assert.True(await EventuallyAsync(async () => (await RcptAsync(client, "bob@example.com")).StartsWith("250", StringComparison.Ordinal)));

        File.WriteAllLines(_file, ["alice@example.com", "not an address"]);
        await Task.Delay(300); // several reload intervals: the broken file was seen and refused
        Assert.StartsWith("250", await RcptAsync(client, "bob@example.com"));
    }

    [Theory]
    [InlineData("""{ type = recipients, adresses = ["a@b.test"] }""", "actorsmtp.policies[0].adresses")]
    [InlineData("""{ type = recipients, file = "/nonexistent/recipients.txt" }""", "actorsmtp.policies[0].file")]
    [InlineData("""{ type = recipients, addresses = ["not-an-address"] }""", "actorsmtp.policies[0].addresses")]
    [InlineData("""{ type = recipients }""", "actorsmtp.policies[0]")]
    public void A_bad_entry_stops_start_up_naming_its_key(string entry, string key)
    {
        var config = ActorSmtpConfig.FromString($"actorsmtp.policies = [ {entry} ]");
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(config, TestServer.Sinks()));
        Assert.Equal(key, error.Key);
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
                return true;
            await Task.Delay(50);
        }
        return false;
    }
}
