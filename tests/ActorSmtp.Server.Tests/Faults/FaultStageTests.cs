using System.Net;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Xunit;

namespace ActorSmtp.Server.Tests.Faults;

/// <summary>
/// Every stage × action that makes sense, over real sockets with MailKit (the client applications use): the reply
/// or failure MailKit reports, and what the store holds afterwards. One rule per case, matching the test's sender.
/// </summary>
public sealed class FaultStageTests
{
    private const string Sender = "app@sender.test";

    /// <summary>What MailKit saw.</summary>
    public enum Seen
    {
        Sent,          // 250 after DATA
        Reply,         // an SMTP reply with the expected code (SmtpCommandException)
        Dropped,       // the connection went away without a reply
    }

    public static TheoryData<string, string, Seen, int, int> Cases() => new()
    {
        // name, rule (HOCON, without the matcher), what MailKit sees, the code, messages stored
        { "connect 421", "at = connect, reply = \"421 4.7.0 Go away\"", Seen.Reply, 421, 0 },
        { "connect 554", "at = connect, reply = \"554 5.7.1 No\"", Seen.Reply, 554, 0 },
        { "connect disconnect", "at = connect, action = disconnect", Seen.Dropped, 0, 0 },
        { "connect reset", "at = connect, action = reset", Seen.Dropped, 0, 0 },
        { "connect delay", "at = connect, action = delay, for = 300ms", Seen.Sent, 250, 1 },
        { "connect slow", "at = connect, action = slow, rate = 2000", Seen.Sent, 250, 1 },
        { "helo 554", "at = helo, reply = \"554 5.7.1 Not you\"", Seen.Reply, 554, 0 },
        { "helo disconnect", "at = helo, action = disconnect", Seen.Dropped, 0, 0 },
        { "helo stall", "at = helo, action = stall, for = 300ms", Seen.Sent, 250, 1 },
        { "mail 451", "at = mail, reply = \"451 4.3.0 Try again later\"", Seen.Reply, 451, 0 },
        { "mail 550", "at = mail, reply = \"550 5.7.1 Sender refused\"", Seen.Reply, 550, 0 },
        { "mail reset", "at = mail, action = reset", Seen.Dropped, 0, 0 },
        { "mail delay", "at = mail, action = delay, for = 300ms", Seen.Sent, 250, 1 },
        { "rcpt 451", "at = rcpt, reply = \"451 4.3.0 Try again later\"", Seen.Reply, 451, 0 },
        { "rcpt 550", "at = rcpt, reply = \"550 5.1.1 No such user\"", Seen.Reply, 550, 0 },
        { "rcpt disconnect", "at = rcpt, action = disconnect", Seen.Dropped, 0, 0 },
        { "rcpt slow", "at = rcpt, action = slow, rate = 1000", Seen.Sent, 250, 1 },
        { "data 554", "at = data, reply = \"554 5.5.1 No data today\"", Seen.Reply, 554, 0 },
        { "data 451", "at = data, reply = \"451 4.3.0 Later\"", Seen.Reply, 451, 0 },
        { "data disconnect", "at = data, action = disconnect", Seen.Dropped, 0, 0 },
        { "data delay", "at = data, action = delay, for = 300ms", Seen.Sent, 250, 1 },
        { "body 552 after 1KiB", "at = body, after = 1KiB, reply = \"552 5.3.4 Too much\"", Seen.Reply, 552, 0 },
        { "body disconnect after 1KiB", "at = body, after = 1KiB, action = disconnect", Seen.Dropped, 0, 0 },
        { "body reset after 1KiB", "at = body, after = 1KiB, action = reset", Seen.Dropped, 0, 0 },
        { "body delay after 1KiB", "at = body, after = 1KiB, action = delay, for = 300ms", Seen.Sent, 250, 1 },
        { "end-of-data 451", "at = end-of-data, reply = \"451 4.3.0 Not now\"", Seen.Reply, 451, 0 },
        { "end-of-data 552", "at = end-of-data, reply = \"552 5.3.4 Full\"", Seen.Reply, 552, 0 },
        { "end-of-data disconnect", "at = end-of-data, action = disconnect", Seen.Dropped, 0, 0 },
        { "end-of-data reset", "at = end-of-data, action = reset", Seen.Dropped, 0, 0 },
        { "end-of-data delay", "at = end-of-data, action = delay, for = 300ms", Seen.Sent, 250, 1 },
        { "end-of-data store-then-disconnect", "at = end-of-data, action = store-then-disconnect", Seen.Dropped, 0, 1 },
        { "end-of-data store-then-reply", "at = end-of-data, action = store-then-reply", Seen.Reply, 451, 1 },
        { "end-of-data store-then-reply 554", "at = end-of-data, action = store-then-reply, reply = \"554 5.0.0 Stored anyway\"", Seen.Reply, 554, 1 },
        { "end-of-data reset after storing", "at = end-of-data, action = reset, after-store = on", Seen.Dropped, 0, 1 },
        { "end-of-data delay after storing", "at = end-of-data, action = delay, for = 300ms, after-store = on", Seen.Sent, 250, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MailKit_sees_the_fault_and_the_store_holds_what_was_stored(string name, string rule, Seen seen, int code, int stored)
    {
        var matcher = rule.Contains("at = connect") || rule.Contains("at = helo") ? "client = \"127.0.0.1\"" : $"from = \"{Sender}\"";
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp.faults { enabled = on, rules = [ { name = "{{name}}", when { {{matcher}} }, {{rule}} } ] }
            """);

        var error = await SendAsync(server, MimeMessages.Create("faulted", new string('x', 4000), from: Sender));

        switch (seen)
        {
            case Seen.Sent:
                Assert.Null(error);
                break;
            case Seen.Reply:
                Assert.Equal(code, (int)Assert.IsType<SmtpCommandException>(error).StatusCode);
                break;
            default:
                Assert.True(error is SmtpProtocolException or IOException or ServiceNotConnectedException or System.Net.Sockets.SocketException, $"{name}: {error}");
                break;
        }
        var messages = await StoredEventuallyAsync(server, stored);
        Assert.Equal(stored, messages.Count);
        foreach (var id in messages.Keys)
        {
            var faults = Envelope(server, id).GetProperty("faults");
            Assert.Equal(name, Assert.Single(faults.EnumerateArray()).GetProperty("rule").GetString());
        }
    }

    [Fact]
    public async Task A_rule_that_does_not_match_leaves_the_message_alone_and_records_nothing()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [ { when { from = "billing@*" }, at = rcpt, reply = "451 4.3.0 Later" } ] }
            """);

        Assert.Null(await SendAsync(server, MimeMessages.Create("fine", "body", from: Sender)));

        var (id, _) = Assert.Single(server.StoredMessages());
        Assert.False(Envelope(server, id).TryGetProperty("faults", out _));
    }

    [Fact]
    public async Task Times_fires_a_rule_only_that_often_and_every_picks_each_nth_match()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [
              { name = once, when { rcpt = "once@*" }, at = rcpt, reply = "451 4.3.0 Later", times = 1 }
              { name = second, when { rcpt = "second@*" }, at = rcpt, reply = "452 4.3.1 Later", every = 2 }
            ] }
            """);

        var once = new List<int>();
        var second = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            once.Add(Code(await SendAsync(server, MimeMessages.Create("m", "b", from: Sender, to: "once@x.test"))));
            second.Add(Code(await SendAsync(server, MimeMessages.Create("m", "b", from: Sender, to: "second@x.test"))));
        }

        Assert.Equal([451, 250, 250, 250], once);
        Assert.Equal([250, 452, 250, 452], second);
    }

    [Fact]
    public async Task A_stall_longer_than_the_command_timeout_ends_as_that_timeout_does()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.limits.command-timeout = 1s
            actorsmtp.faults { enabled = on, rules = [ { when { rcpt = "*@stall.test" }, at = rcpt, action = stall } ] }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r@stall.test>\r\n");
        await client.ExpectAsync("250 2.1.0");

        Assert.StartsWith("421 4.4.2", await client.ExpectAsync("421")); // the session's own deadline, not forever
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_bdat_chunk_fault_refuses_that_chunk_and_its_octets_are_still_read()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [ { when { rcpt = "*@x.test" }, at = bdat, chunk = 2, reply = "451 4.3.0 Chunk refused" } ] }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r@x.test>\r\nBDAT 12\r\nSubject: a\r\nBDAT 6 LAST\r\nNOOP\r\nNOOP\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("250 2.0.0"); // chunk 1
        Assert.StartsWith("451 4.3.0 Chunk refused", await client.ExpectAsync("451"));
        await client.ExpectAsync("250 2.0.0"); // the chunk's 6 octets ("NOOP\r\n") were dropped as data: one NOOP is left

        await client.SendAsync("QUIT\r\n");
        await client.ExpectAsync("221");
        Assert.Empty(server.StoredMessages());
    }

    [Fact]
    public async Task A_starttls_fault_aborts_the_handshake_after_the_220()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = starttls } ]
            actorsmtp.tls.self-signed = on
            actorsmtp.faults { enabled = on, rules = [ { when { client = "127.0.0.0/8" }, at = starttls, action = disconnect } ] }
            """);
        using var client = new SmtpClient { Timeout = 10_000, ServerCertificateValidationCallback = (_, _, _, _) => true };

        var error = await Record.ExceptionAsync(() =>
            client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, SecureSocketOptions.StartTls));

        Assert.NotNull(error);
        Assert.IsNotType<SmtpCommandException>(error); // the 220 came; the handshake never did
    }

    [Fact]
    public async Task An_auth_fault_answers_instead_of_the_authenticator()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, auth = optional } ]
            actorsmtp.auth { allow-insecure-auth = on, users = [ { name = "alice", password-hash = "{{ActorSmtp.Server.Auth.PasswordHash.Create("pw")}}" } ] }
            actorsmtp.faults { enabled = on, rules = [ { when { user = "alice" }, at = auth, reply = "454 4.7.0 Temporary authentication failure" } ] }
            """);
        using var client = await server.ConnectAsync();

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice", "pw"));

        Assert.Contains("Temporary authentication failure", error.Message);
    }

    private static int Code(Exception? error) => error is null ? 250 : (int)Assert.IsType<SmtpCommandException>(error).StatusCode;

    /// <summary>Sends one message on a new connection; the exception MailKit threw, or null after a 250.</summary>
    private static async Task<Exception?> SendAsync(TestServer server, MimeKit.MimeMessage message)
    {
        using var client = new SmtpClient { Timeout = 10_000 };
        try
        {
            await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(quit: true);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>The store once it holds <paramref name="expected"/> messages (a stored message lands before its 250 or drop), or after a short wait.</summary>
    private static async Task<IReadOnlyDictionary<string, byte[]>> StoredEventuallyAsync(TestServer server, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(expected > 0 ? 5 : 0.3);
        while (server.StoredMessages().Count < expected && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return server.StoredMessages();
    }

    private static JsonElement Envelope(TestServer server, string id) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"))).RootElement;
}
