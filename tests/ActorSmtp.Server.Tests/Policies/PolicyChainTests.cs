using System.Text.Json;
using ActorSmtp.Server.Configuration;
using Xunit;

namespace ActorSmtp.Server.Tests.Policies;

/// <summary>Policies at each stage over real sockets: their replies, their failures and timeouts, the chain's order, tags.</summary>
public sealed class PolicyChainTests
{
    private static readonly string Scripted = typeof(ScriptedPolicy).AssemblyQualifiedName!;

    private static Task<TestServer> StartAsync(string policies) =>
        TestServer.StartAsync($"actorsmtp.policies = [ {policies} ]");

    private static string Policy(string stages, string extra = "") => $$"""{ type = "{{Scripted}}", stages = [{{stages}}], {{extra}} }""";

    private static async Task<RawSmtpClient> GreetedAsync(TestServer server)
    {
        var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\n");
        await client.ExpectAsync("250 ");
        return client;
    }

    [Fact]
    public async Task A_rejected_recipient_gets_the_policy_s_reply_and_the_others_go_on()
    {
        await using var server = await StartAsync(Policy("rcpt"));
        await using var client = await GreetedAsync(server);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<reject@x.test>\r\nRCPT TO:<alice@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 2.1.0");
        Assert.Equal("550 5.1.1 <reject@x.test>: rejected by p", await client.ExpectAsync("550"));
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: hi\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var (id, _) = Assert.Single(server.StoredMessages());
        var envelope = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json")));
        Assert.Equal(["alice@x.test"], envelope.RootElement.GetProperty("rcpt-to").EnumerateArray().Select(e => e.GetString()));
        Assert.False(envelope.RootElement.TryGetProperty("tags", out _)); // no policy attached any
    }

    [Fact]
    public async Task Helo_and_mail_are_checked_when_configured_and_their_refusals_keep_the_session()
    {
        await using var server = await StartAsync(Policy("helo, mail"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");

        await client.SendAsync("EHLO reject.test\r\n");
        Assert.Equal("550 5.1.1 <reject.test>: rejected by p", await client.ExpectAsync("550"));
        await client.SendAsync("MAIL FROM:<a@b.test>\r\n");
        await client.ExpectAsync("503"); // the refused EHLO did not count
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<defer@b.test>\r\nMAIL FROM:<ok@b.test>\r\n");
        await client.ExpectAsync("250 ");
        Assert.Equal("450 4.2.0 busy, says p", await client.ExpectAsync("450"));
        await client.ExpectAsync("250 2.1.0");
    }

    [Theory]
    [InlineData("helo", "EHLO reject.test", "550 5.1.1 <reject.test>: rejected by p")]
    [InlineData("helo", "EHLO defer.test", "450 4.2.0 busy, says p")]
    [InlineData("mail", "MAIL FROM:<reject@b.test>", "550 5.1.1 <reject@b.test>: rejected by p")]
    [InlineData("mail", "MAIL FROM:<defer@b.test>", "450 4.2.0 busy, says p")]
    [InlineData("rcpt", "RCPT TO:<reject@x.test>", "550 5.1.1 <reject@x.test>: rejected by p")]
    [InlineData("rcpt", "RCPT TO:<defer@x.test>", "450 4.2.0 busy, says p")]
    public async Task Each_stage_sends_the_policy_s_reject_and_defer_and_goes_on(string stage, string command, string reply)
    {
        await using var server = await StartAsync(Policy(stage));
        await using var client = await GreetedAsync(server);
        var prelude = stage switch { "rcpt" => "MAIL FROM:<a@b.test>\r\n", _ => "" };
        await client.SendAsync($"{prelude}{command}\r\nNOOP\r\n");
        if (prelude.Length > 0)
            await client.ExpectAsync("250 2.1.0");
        Assert.Equal(reply, await client.ExpectAsync(reply[..3]));
        await client.ExpectAsync("250 2.0.0"); // the session goes on
    }

    [Theory]
    [InlineData("reject", "554 5.1.1 <>: rejected by p")] // RFC 5321 §3.1: 554 instead of the greeting
    [InlineData("defer", "421 4.2.0 busy, says p")]
    public async Task A_client_refused_at_connect_gets_the_refusal_instead_of_the_greeting_and_is_closed(string verdict, string reply)
    {
        await using var server = await StartAsync(Policy("connect", $"connect = {verdict}"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);

        Assert.Equal(reply, await client.ExpectAsync(reply[..3]));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_accepted_client_is_greeted_after_the_connect_check()
    {
        await using var server = await StartAsync(Policy("connect"));
        await using var client = await GreetedAsync(server);
        await client.BeginDataAsync();
    }

    [Theory]
    [InlineData("crash")] // throws in the receive: the actor is restarted
    [InlineData("fail")] // throws after an await
    public async Task A_failing_policy_defers_with_451_and_the_next_check_is_answered_again(string word)
    {
        await using var server = await StartAsync(Policy("rcpt", "timeout = 2s"));
        await using var client = await GreetedAsync(server);

        await client.SendAsync($"MAIL FROM:<a@b.test>\r\nRCPT TO:<{word}@x.test>\r\nRCPT TO:<alice@x.test>\r\n");
        await client.ExpectAsync("250");
        Assert.Equal("451 4.3.0 Policy unavailable, try again later", await client.ExpectAsync("451"));
        await client.ExpectAsync("250 2.1.5");
    }

    [Theory]
    [InlineData("defer", "451 4.3.0")]
    [InlineData("accept", "250 2.1.5")]
    public async Task A_slow_policy_gets_its_on_timeout_answer(string onTimeout, string reply)
    {
        await using var server = await StartAsync(Policy("rcpt", $"timeout = 200ms, on-timeout = {onTimeout}"));
        await using var client = await GreetedAsync(server);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<slow@x.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync(reply);
    }

    [Fact]
    public async Task A_policy_cannot_send_a_250_for_a_rejection()
    {
        await using var server = await StartAsync(Policy("rcpt"));
        await using var client = await GreetedAsync(server);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<invalid@x.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("451 4.3.0");
    }

    [Fact]
    public async Task The_first_refusal_in_order_wins_and_the_tags_of_every_accept_reach_the_envelope()
    {
        await using var server = await StartAsync($"{Policy("rcpt", "label = first")}, {Policy("mail, rcpt", "label = second")}");
        await using var client = await GreetedAsync(server);

        await client.SendAsync("MAIL FROM:<tag@b.test>\r\nRCPT TO:<reject@x.test>\r\nRCPT TO:<tag@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 2.1.0");
        Assert.Equal("550 5.1.1 <reject@x.test>: rejected by first", await client.ExpectAsync("550"));
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: tagged\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var (id, _) = Assert.Single(server.StoredMessages());
        var tags = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"))).RootElement.GetProperty("tags");
        Assert.Equal("tag@b.test", tags.GetProperty("second-MailFrom").GetString());
        Assert.Equal("tag@x.test", tags.GetProperty("first-RcptTo").GetString());
        Assert.Equal("tag@x.test", tags.GetProperty("second-RcptTo").GetString());
    }

    [Fact]
    public async Task Tags_of_one_transaction_do_not_follow_into_the_next()
    {
        await using var server = await StartAsync(Policy("rcpt"));
        await using var client = await GreetedAsync(server);
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<tag@x.test>\r\nRSET\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<plain@x.test>\r\nDATA\r\n");
        foreach (var expected in new[] { "250", "250", "250", "250", "250", "354" })
            await client.ExpectAsync(expected);
        await client.SendAsync("Subject: untagged\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var (id, _) = Assert.Single(server.StoredMessages());
        Assert.DoesNotContain("\"tags\"", File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json")));
    }

    [Fact]
    public async Task A_stage_without_policies_asks_none()
    {
        await using var server = await StartAsync(Policy("rcpt"));
        await using var client = await GreetedAsync(server);
        await client.SendAsync("MAIL FROM:<reject@b.test>\r\n"); // would be refused if MAIL were checked
        await client.ExpectAsync("250 2.1.0");
    }

    [Theory]
    [InlineData("""{ type = "NoSuch.Policy, NoSuch" }""", "actorsmtp.policies[0].type")]
    [InlineData("""{ type = "SCRIPTED", stages = [ dta ] }""", "actorsmtp.policies[0].stages")]
    [InlineData("""{ type = "SCRIPTED", on-timeout = maybe }""", "actorsmtp.policies[0].on-timeout")]
    public void A_bad_entry_stops_start_up_naming_its_key(string entry, string key)
    {
        var config = ActorSmtp.Server.Hosting.ActorSmtpConfig.FromString($"actorsmtp.policies = [ {entry.Replace("SCRIPTED", Scripted)} ]");
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(config, TestServer.Sinks()));
        Assert.Equal(key, error.Key);
    }
}
