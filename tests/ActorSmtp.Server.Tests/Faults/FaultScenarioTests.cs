using System.Diagnostics;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Xunit;

namespace ActorSmtp.Server.Tests.Faults;

/// <summary>
/// What senders go through with faults on: the lost acknowledgement that makes a duplicate, faults chosen per message
/// by recipient tags, and Postfix's smtp-source (a real sender that does not retry) against every and times.
/// </summary>
public sealed class FaultScenarioTests
{
    [Fact]
    public async Task The_lost_acknowledgement_makes_a_duplicate_and_the_first_copy_records_the_fault()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [
              { name = lost-ack, when { from = "billing@*" }, at = end-of-data, action = store-then-disconnect, times = 1 }
            ] }
            """);
        var invoice = MimeMessages.Create("Invoice 42", "Amount due: 10 EUR", from: "billing@shop.test", to: "customer@x.test");

        // The sender: MailKit in the retry loop an application has, one more try after an I/O error.
        var attempts = 0;
        for (var sent = false; !sent && attempts < 3; attempts++)
            sent = await TrySendAsync(server, invoice);

        Assert.Equal(2, attempts);
        var copies = server.StoredMessages();
        Assert.Equal(2, copies.Count); // the duplicate the lost 250 made
        Assert.All(copies.Values, bytes => Assert.Equal(MimeMessages.WireBytes(invoice), bytes)); // both complete and exact
        var faulted = copies.Keys.Where(id => Envelope(server, id).TryGetProperty("faults", out _)).ToArray();
        var fault = Assert.Single(Envelope(server, Assert.Single(faulted)).GetProperty("faults").EnumerateArray());
        Assert.Equal("lost-ack", fault.GetProperty("rule").GetString());
        Assert.Equal("end-of-data", fault.GetProperty("stage").GetString());
        Assert.Equal("store-then-disconnect", fault.GetProperty("action").GetString());
    }

    [Fact]
    public async Task Three_tagged_messages_in_one_session_get_three_faults_and_an_untagged_one_passes()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.faults.enabled = on");
        using var client = await server.ConnectAsync();

        var rcpt = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(MimeMessages.Create("one", "b", to: "bob+fault-rcpt-451@x.test")));
        var data = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(MimeMessages.Create("two", "b", to: "carol+fault-data-554@x.test")));
        var stored = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(MimeMessages.Create("three", "b", to: "dave+fault-eod-store-then-reply@x.test")));
        await client.SendAsync(MimeMessages.Create("four", "b", to: "erin@x.test"));

        Assert.Equal((451, SmtpErrorCode.RecipientNotAccepted), ((int)rcpt.StatusCode, rcpt.ErrorCode));
        Assert.Equal(554, (int)data.StatusCode); // MailKit files a refused DATA under UnexpectedStatusCode
        Assert.Equal((451, SmtpErrorCode.MessageNotAccepted), ((int)stored.StatusCode, stored.ErrorCode));
        var envelopes = server.StoredMessages().Keys.Select(id => Envelope(server, id))
            .ToDictionary(e => e.GetProperty("rcpt-to")[0].GetString()!);
        Assert.Equal(["dave+fault-eod-store-then-reply@x.test", "erin@x.test"], envelopes.Keys.Order());
        Assert.Equal("tag fault-eod-store-then-reply",
            Assert.Single(envelopes["dave+fault-eod-store-then-reply@x.test"].GetProperty("faults").EnumerateArray()).GetProperty("rule").GetString());
        Assert.False(envelopes["erin@x.test"].TryGetProperty("faults", out _));
    }

    [Fact]
    public async Task An_unknown_tag_is_refused_at_rcpt_and_tags_are_plain_addresses_with_faults_off()
    {
        await using var on = await TestServer.StartAsync("actorsmtp.faults.enabled = on");
        await using var off = await TestServer.StartAsync();

        using (var client = await on.ConnectAsync())
        {
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() =>
                client.SendAsync(MimeMessages.Create("typo", "b", to: "bob+fault-rcpt-45@x.test")));
            Assert.Equal(553, (int)refused.StatusCode);
            await client.SendAsync(MimeMessages.Create("other plus", "b", to: "bob+newsletter@x.test")); // not a tag
        }
        using (var client = await off.ConnectAsync())
            await client.SendAsync(MimeMessages.Create("not armed", "b", to: "bob+fault-rcpt-451@x.test"));

        Assert.Single(on.StoredMessages());
        Assert.Single(off.StoredMessages());
    }

    [Fact]
    public async Task Smtp_source_loses_one_acknowledgement_with_times_one_and_the_message_is_stored()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [
              { when { rcpt = "*@x.test" }, at = end-of-data, action = store-then-disconnect, times = 1 }
            ] }
            """);

        var (exit, output) = await SmtpSourceAsync(server, messages: 1);

        Assert.NotEqual(0, exit); // smtp-source reports the lost connection: it never saw the 250
        Assert.Contains("lost connection", output, StringComparison.OrdinalIgnoreCase);
        var (id, _) = Assert.Single(server.StoredMessages());
        Assert.Equal("store-then-disconnect", Envelope(server, id).GetProperty("faults")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Smtp_source_sees_every_third_message_delayed_and_all_are_stored()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [
              { name = soak, when { rcpt = "*@x.test" }, at = rcpt, action = delay, for = 100ms, every = 3 }
            ] }
            """);

        var (exit, output) = await SmtpSourceAsync(server, messages: 9);

        Assert.True(exit == 0, output);
        var stored = server.StoredMessages().Keys.Select(id => Envelope(server, id)).ToArray();
        Assert.Equal(9, stored.Length);
        Assert.Equal(3, stored.Count(e => e.TryGetProperty("faults", out _)));
    }

    [Fact]
    public async Task Header_and_helo_matchers_pick_their_messages_at_the_end_of_data_and_in_the_body()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.faults { enabled = on, rules = [
              { name = invoices, when { header { name = "Subject", contains = "INVOICE" } }, at = end-of-data, reply = "554 5.7.1 No invoices" }
              { name = big-reports, when { header { name = "X-Kind", contains = "report" } }, at = body, after = 2KiB, action = disconnect }
              { name = lab, when { helo = "lab-*" }, at = mail, reply = "451 4.3.0 Lab closed" }
            ] }
            """);

        var invoice = await Record.ExceptionAsync(() => SendAsync(server, MimeMessages.Create("Your invoice 7", "b")));
        var report = MimeMessages.Create("weekly", new string('r', 8000));
        report.Headers.Add("X-Kind", "Report, weekly");
        var dropped = await Record.ExceptionAsync(() => SendAsync(server, report));
        var lab = await Record.ExceptionAsync(() => SendAsync(server, MimeMessages.Create("hello", "b"), helo: "lab-7.test"));
        await SendAsync(server, MimeMessages.Create("hello", "b")); // none of them

        Assert.Equal(554, (int)Assert.IsType<SmtpCommandException>(invoice).StatusCode);
        Assert.True(dropped is IOException or SmtpProtocolException or ServiceNotConnectedException, $"{dropped}");
        Assert.Equal(451, (int)Assert.IsType<SmtpCommandException>(lab).StatusCode);
        Assert.Single(server.StoredMessages());
    }

    [Fact]
    public async Task Probability_fires_for_about_that_share_of_matches()
    {
        await using var server = await TestServer.StartAsync("""
            actorsmtp.limits.max-errors = 1000
            actorsmtp.faults { enabled = on, rules = [ { when { rcpt = "*@x.test" }, at = rcpt, reply = "451 4.3.0 Sometimes", probability = 0.5 } ] }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"RCPT TO:<r{i}@x.test>\r\n")));
        await client.ExpectAsync("250 2.1.0");
        var refused = 0;
        for (var i = 0; i < 200; i++)
            refused += (await client.ReadReplyAsync())[^1].StartsWith("451") ? 1 : 0;

        Assert.InRange(refused, 50, 150); // binomial(200, 0.5): outside this range once in 10^12 runs
    }

    /// <summary>Postfix's smtp-source: <paramref name="messages"/> messages over one session, 1 KB each.</summary>
    private static async Task<(int Exit, string Output)> SmtpSourceAsync(TestServer server, int messages)
    {
        var start = new ProcessStartInfo("/usr/sbin/smtp-source",
            $"-s 1 -m {messages} -l 1024 -f sender@b.test -t r@x.test 127.0.0.1:{server.EndPoint.Port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task SendAsync(TestServer server, MimeKit.MimeMessage message, string helo = "client.test")
    {
        using var client = new SmtpClient { Timeout = 10_000, LocalDomain = helo };
        await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
    }

    private static async Task<bool> TrySendAsync(TestServer server, MimeKit.MimeMessage message)
    {
        using var client = new SmtpClient { Timeout = 10_000 };
        try
        {
            await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(quit: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or ServiceNotConnectedException)
        {
            return false;
        }
    }

    private static JsonElement Envelope(TestServer server, string id) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"))).RootElement;
}
