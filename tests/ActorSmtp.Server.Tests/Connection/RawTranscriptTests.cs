using Akka.Actor;
using ActorSmtp.Server.Listener;
using System.Text;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>Byte-exact conversations over a real socket: pipelining, smuggling, limits, timeouts, durability order.</summary>
public sealed class RawTranscriptTests
{
    [Fact]
    public async Task Pipelined_commands_in_one_write_are_answered_in_order()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<r1@x.test>\r\nRCPT TO:<bad>\r\nRCPT TO:<r2@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("501 5.1.3");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: p\r\n\r\n..dot\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<r3@x.test>\r\nQUIT\r\n");
        var queued = await client.ExpectAsync("250 2.0.0 Ok: queued as ");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("221 2.0.0");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));

        var stored = server.StoredMessages()[queued.Split(' ')[^1]];
        Assert.Equal("Subject: p\r\n\r\n.dot\r\n", Encoding.ASCII.GetString(stored));
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    [InlineData("\n.\r\n")]
    [InlineData("\r.\n")]
    [InlineData("\r\r\n.\r\r\n")]
    public async Task Smuggled_end_of_data_is_refused_after_the_real_end_and_nothing_is_stored(string smuggle)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        await client.SendAsync($"Subject: s\r\n\r\nhello{smuggle}MAIL FROM:<evil@b.test>\r\nRCPT TO:<r@x.test>\r\nDATA\r\nspoofed\r\n.\r\nNOOP\r\n");
        await client.ExpectAsync("550 5.6.11"); // one reply for the one DATA, after its real end
        await client.ExpectAsync("250 2.0.0 Ok"); // the NOOP, not a second message's replies
        Assert.Empty(server.AllFiles());
    }

    [Fact]
    public async Task Null_byte_before_the_dot_does_not_end_data()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        await client.SendAsync("a\r\n\0.\r\nb\r\n.\r\n");
        var queued = await client.ExpectAsync("250 2.0.0");
        Assert.Equal("a\r\n\0.\r\nb\r\n", Encoding.ASCII.GetString(server.StoredMessages()[queued.Split(' ')[^1]]));
    }

    [Fact]
    public async Task Replies_to_a_client_that_reads_slowly_are_all_delivered_in_order()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-errors = 1000000");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        const int commands = 300_000; // ~4 MB of replies: far more than the socket buffers hold, so sends must wait
        var batch = string.Concat(Enumerable.Repeat("NOOP\r\n", 1000));
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < commands / 1000; i++)
                await client.SendAsync(batch);
            await client.SendAsync("QUIT\r\n");
        });
        await Task.Delay(300); // let the server's send buffer fill up first
        for (var i = 0; i < commands; i++)
            Assert.Equal("250 2.0.0 Ok", await client.ReadLineAsync());
        await client.ExpectAsync("221");
        await writing;
    }

    [Fact]
    public async Task A_client_that_never_reads_its_replies_is_cut_off_at_the_deadline()
    {
        await using var server = await TestServer.StartAsync(
            "actorsmtp.limits { command-timeout = 1s, max-errors = 1000000 }");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        var batch = string.Concat(Enumerable.Repeat("NOOP\r\n", 1000));
        var flooding = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 2_000; i++) // never reads: the server's replies fill both socket buffers
                    await client.SendAsync(batch);
            }
            catch (IOException)
            {
                // the server cut us off: expected
            }
        });
        await flooding.WaitAsync(TimeSpan.FromSeconds(30));
        var status = await server.Server.Listener.Ask<ListenerProtocol.Status>(
            ListenerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 50 && status.ActiveConnections > 0; i++)
        {
            await Task.Delay(100);
            status = await server.Server.Listener.Ask<ListenerProtocol.Status>(
                ListenerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5));
        }
        Assert.Equal(0, status.ActiveConnections);
    }

    [Fact]
    public async Task Over_long_command_line_gets_one_500_and_the_session_goes_on()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("NOOP " + new string('x', 200_000) + "\r\nNOOP\r\n");
        await client.ExpectAsync("500 5.5.2");
        await client.ExpectAsync("250 2.0.0");
    }

    [Fact]
    public async Task Command_ended_by_bare_lf_is_not_executed()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("QUIT\nNOOP\r\n");
        await client.ExpectAsync("500 5.5.2");
        await client.ExpectAsync("250 2.0.0");
    }

    [Fact]
    public async Task Every_250_arrives_after_its_eml_and_json_exist()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        for (var i = 0; i < 30; i++)
        {
            await client.BeginDataAsync();
            await client.SendAsync($"Subject: {i}\r\n\r\nbody {i}\r\n.\r\n");
            var id = (await client.ExpectAsync("250 2.0.0 Ok: queued as ")).Split(' ')[^1];
            Assert.True(File.Exists(Path.Combine(server.MailDirectory, id + ".eml")), $"{id}.eml missing at 250");
            Assert.True(File.Exists(Path.Combine(server.MailDirectory, id + ".json")), $"{id}.json missing at 250");
        }
    }

    [Fact]
    public async Task Client_that_disconnects_mid_data_leaves_no_file()
    {
        await using var server = await TestServer.StartAsync();
        await using (var client = await RawSmtpClient.GreetedAsync(server.EndPoint))
        {
            await client.BeginDataAsync();
            await client.SendAsync("Subject: cut\r\n\r\n" + new string('y', 300_000)); // past the header block: the sink is writing
        }
        Assert.Empty(await server.FilesAfterCleanupAsync());
    }

    [Fact]
    public async Task Idle_client_gets_421_4_4_2_and_is_closed()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.command-timeout = 1s");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.ExpectAsync("421 4.4.2");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Too_many_errors_end_the_session_with_421_4_7_0()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-errors = 3");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n");
        await client.ExpectAsync("500");
        await client.ExpectAsync("500");
        await client.ExpectAsync("500");
        await client.ExpectAsync("421 4.7.0");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain("250", client.Unread);
    }

    [Fact]
    public async Task Too_many_recipients_get_452_and_the_message_still_goes_through()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-recipients = 2");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<1@x.test>\r\nRCPT TO:<2@x.test>\r\nRCPT TO:<3@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("452 4.5.3");
        await client.ExpectAsync("354");
        await client.SendAsync("x\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");
    }

    [Fact]
    public async Task A_pipelined_batch_over_max_recipients_keeps_the_session_and_delivers_to_the_first_thousand()
    {
        // Issue 15 §3: with the default limits, 100 excess recipients used to reach max-errors (20) and lose the transaction.
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        var batch = new StringBuilder("MAIL FROM:<a@b.test>\r\n");
        for (var i = 0; i < 1100; i++)
            batch.Append($"RCPT TO:<r{i}@x.test>\r\n");
        await client.SendAsync(batch.Append("DATA\r\n").ToString());
        await client.ExpectAsync("250 2.1.0");
        for (var i = 0; i < 1000; i++)
            await client.ExpectAsync("250 2.1.5");
        for (var i = 0; i < 100; i++)
            await client.ExpectAsync("452 4.5.3");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: many\r\n\r\nx\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");
        var id = Assert.Single(server.StoredMessages()).Key;
        var json = File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"));
        Assert.Contains("\"r999@x.test\"", json);
        Assert.DoesNotContain("\"r1000@x.test\"", json);
        Assert.Equal(1000, json.Split("@x.test\"").Length - 1);
    }

    [Fact]
    public async Task Other_domains_are_refused_when_accepted_domains_are_set()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.accepted-domains = [\"x.test\"]");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r@other.test>\r\nRCPT TO:<r@x.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("554 5.7.1 Relay access denied");
        await client.ExpectAsync("250 2.1.5");
    }

    [Fact]
    public async Task A_client_in_relay_networks_may_send_to_any_domain()
    {
        await using var server = await TestServer.StartAsync("actorsmtp { accepted-domains = [\"x.test\"], relay-networks = [\"127.0.0.0/8\"] }");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r@other.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250 2.1.5");
    }
}
