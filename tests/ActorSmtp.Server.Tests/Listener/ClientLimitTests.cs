using System.Diagnostics;
using System.Net;
using Xunit;

namespace ActorSmtp.Server.Tests.Listener;

/// <summary>Per-client limits (Postfix anvil): concurrent connections, connection, message and recipient rates; trusted networks.</summary>
public sealed class ClientLimitTests
{
    // Loopback is trusted by default, so every test that wants a limit to bite empties trusted-networks.
    private const string Untrusted = "actorsmtp.trusted-networks = []\n";

    [Fact]
    public async Task Over_max_connections_per_client_a_client_gets_421_4_7_0_at_connect_and_is_closed()
    {
        await using var server = await TestServer.StartAsync(Untrusted + "actorsmtp.limits.max-connections-per-client = 2");
        await using var first = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await using var second = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await first.ExpectAsync("220");
        await second.ExpectAsync("220");

        await using var third = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await third.ExpectAsync("421 4.7.0 mx.test Error: too many connections from your address");
        Assert.True(await third.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));

        await first.SendAsync("QUIT\r\n");
        await first.ExpectAsync("221");
        Assert.True(await first.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("220", await GreetingCodeEventuallyAsync(server, "220")); // the slot is free again
    }

    [Fact]
    public async Task On_an_implicit_TLS_endpoint_a_refused_client_is_closed_without_a_plaintext_reply()
    {
        await using var server = await TestServer.StartAsync(Untrusted + """
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = implicit } ]
            actorsmtp.limits.max-connections-per-client = 1
            """);
        await using var first = await RawSmtpClient.ConnectAsync(server.EndPoint); // holds the slot, awaiting its handshake

        // A TLS client could not read "421 ..." before a handshake: it would take it for a broken TLS record.
        await using var second = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.True(await second.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", second.Unread);
    }

    [Fact]
    public async Task Loopback_is_exempt_by_default()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits { max-connections-per-client = 1, connection-rate-per-client = 1 }");
        await using var first = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await using var second = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await first.ExpectAsync("220");
        await second.ExpectAsync("220");
    }

    [Fact]
    public async Task Over_the_connection_rate_a_client_gets_421_4_7_0_at_connect()
    {
        await using var server = await TestServer.StartAsync(Untrusted + "actorsmtp.limits.connection-rate-per-client = 3");
        for (var i = 0; i < 3; i++)
        {
            await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
            await client.ExpectAsync("220");
        }
        await using var fourth = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await fourth.ExpectAsync("421 4.7.0");
        Assert.True(await fourth.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Over_the_message_rate_MAIL_gets_452_4_7_0_across_the_clients_connections()
    {
        await using var server = await TestServer.StartAsync(Untrusted + "actorsmtp.limits.message-rate-per-client = 2");
        await using var first = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await first.SendAsync("MAIL FROM:<a@b.test>\r\nRSET\r\nMAIL FROM:<a@b.test>\r\nRSET\r\nMAIL FROM:<a@b.test>\r\n");
        await first.ExpectAsync("250 2.1.0");
        await first.ExpectAsync("250 2.0.0");
        await first.ExpectAsync("250 2.1.0");
        await first.ExpectAsync("250 2.0.0");
        await first.ExpectAsync("452 4.7.0");

        await using var second = await RawSmtpClient.GreetedAsync(server.EndPoint); // the rate is the client's, not the connection's
        await second.SendAsync("MAIL FROM:<a@b.test>\r\n");
        await second.ExpectAsync("452 4.7.0");
    }

    [Fact]
    public async Task Over_the_recipient_rate_RCPT_gets_452_4_7_0_and_the_transaction_goes_on()
    {
        await using var server = await TestServer.StartAsync(Untrusted + "actorsmtp.limits.recipient-rate-per-client = 2");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r1@x.test>\r\nRCPT TO:<r2@x.test>\r\nRCPT TO:<r3@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("452 4.7.0");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: rate\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0 Ok: queued as");
    }

    /// <summary>Connects until the greeting's code is <paramref name="code"/> (the listener learns of a closed connection a moment later).</summary>
    private static async Task<string> GreetingCodeEventuallyAsync(TestServer server, string code)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
            var reply = (await client.ReadReplyAsync())[0][..3];
            if (reply == code || clock.Elapsed > TimeSpan.FromSeconds(5))
                return reply;
            await Task.Delay(100);
        }
    }
}
