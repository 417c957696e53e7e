using System.Text.Json;
using Xunit;

namespace ActorSmtp.Policies.Tests.Http;

/// <summary>The http policy over real sockets: an ActorSmtp asking a real Kestrel hook at RCPT, transcripts of what clients see.</summary>
public sealed class HttpPolicyTests : IAsyncLifetime
{
    private PolicyHook _hook = null!;

    public async Task InitializeAsync() => _hook = await PolicyHook.StartAsync();

    public async Task DisposeAsync() => await _hook.DisposeAsync();

    private Task<TestServer> StartAsync(string extra = "", string stages = "rcpt") =>
        TestServer.StartAsync($$"""actorsmtp.policies = [ { type = http, url = "{{_hook.Url}}", stages = [{{stages}}], {{extra}} } ]""");

    /// <summary>MAIL FROM, then each RCPT TO one at a time: the replies, in order.</summary>
    private static async Task<List<string>> RecipientsAsync(RawSmtpClient client, params string[] recipients)
    {
        await client.SendAsync("MAIL FROM:<a@b.test>\r\n");
        await client.ExpectAsync("250 2.1.0");
        var replies = new List<string>();
        foreach (var recipient in recipients)
        {
            await client.SendAsync($"RCPT TO:<{recipient}>\r\n");
            replies.Add((await client.ReadReplyAsync())[^1]);
        }
        return replies;
    }

    [Fact]
    public async Task A_rejected_recipient_gets_the_hook_s_own_code_and_text_and_the_next_one_goes_on()
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var replies = await RecipientsAsync(client, "reject@x.test", "alice@x.test");

        Assert.Equal(["550 5.1.1 <reject@x.test>: no mailbox here", "250 2.1.5 Ok"], replies.Select(r => r.StartsWith("250") ? "250 2.1.5 Ok" : r));
    }

    [Theory]
    [InlineData("defer@x.test", "451 4.3.0 Try again later")] // no code: the defaults
    [InlineData("defer452@x.test", "452 4.3.0 mailbox over quota, later")]
    public async Task A_deferred_recipient_gets_a_4xx(string recipient, string reply)
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        Assert.Equal([reply], await RecipientsAsync(client, recipient));
    }

    [Fact]
    public async Task The_tags_of_an_accept_reach_the_stored_envelope()
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await client.BeginDataAsync(to: "tag@x.test");
        await client.SendAsync("Subject: tagged\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var (id, _) = Assert.Single(server.StoredMessages());
        var tags = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"))).RootElement.GetProperty("tags");
        Assert.Equal("acme", tags.GetProperty("tenant").GetString());
        Assert.Equal("gold", tags.GetProperty("plan").GetString());
    }

    [Theory]
    [InlineData("error@x.test")] // 500
    [InlineData("badjson@x.test")]
    public async Task A_failing_hook_defers_with_451_4_3_0_and_is_not_retried(string recipient)
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var replies = await RecipientsAsync(client, recipient, "alice@x.test");

        Assert.StartsWith("451 4.3.0", replies[0]);
        Assert.StartsWith("250 2.1.5", replies[1]);
        Assert.Single(_hook.RequestsFor(recipient));
    }

    [Fact]
    public async Task An_unreachable_hook_defers_with_451_4_3_0()
    {
        await using var server = await TestServer.StartAsync("""actorsmtp.policies = [ { type = http, url = "http://127.0.0.1:1/policy" } ]""");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        Assert.StartsWith("451 4.3.0", (await RecipientsAsync(client, "alice@x.test"))[0]);
    }

    [Theory]
    [InlineData("defer", "451 4.3.0")]
    [InlineData("accept", "250 2.1.5")]
    public async Task A_slow_hook_gets_on_timeout_s_answer_and_its_request_is_cancelled(string onTimeout, string reply)
    {
        await using var server = await StartAsync($"timeout = 300ms, on-timeout = {onTimeout}");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var started = DateTime.UtcNow;
        var replies = await RecipientsAsync(client, "slow@x.test");

        Assert.StartsWith(reply, replies[0]);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "answered at the timeout, not the hook's 10 s");
        await _hook.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5)); // the hook saw the request go
    }

    [Fact]
    public async Task With_a_cache_ttl_a_second_check_of_the_same_recipient_makes_no_request()
    {
        await using var server = await StartAsync("cache-ttl = 1m");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var first = await RecipientsAsync(client, "reject@x.test", "tag@x.test");
        await client.SendAsync("RSET\r\n");
        await client.ExpectAsync("250");
        var second = await RecipientsAsync(client, "reject@x.test", "tag@x.test");

        Assert.Equal(first, second);
        Assert.Single(_hook.RequestsFor("reject@x.test"));
        Assert.Single(_hook.RequestsFor("tag@x.test"));
    }

    [Fact]
    public async Task Without_a_cache_every_check_is_a_request()
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await RecipientsAsync(client, "alice@x.test");
        await client.SendAsync("RSET\r\n");
        await client.ExpectAsync("250");
        await RecipientsAsync(client, "alice@x.test");

        Assert.Equal(2, _hook.RequestsFor("alice@x.test").Count());
    }

    [Fact]
    public async Task Checks_reuse_keep_alive_connections()
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        var replies = await RecipientsAsync(client, Enumerable.Range(0, 40).Select(i => $"user{i}@x.test").ToArray());

        Assert.All(replies, r => Assert.StartsWith("250 2.1.5", r));
        Assert.Equal(40, _hook.Requests.Count);
        Assert.Single(_hook.Connections); // one after the other: the same pooled connection each time
    }

    [Fact]
    public async Task Concurrent_sessions_share_a_small_pool_of_connections()
    {
        await using var server = await StartAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async session =>
        {
            await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
            var replies = await RecipientsAsync(client, Enumerable.Range(0, 10).Select(i => $"s{session}r{i}@x.test").ToArray());
            Assert.All(replies, r => Assert.StartsWith("250 2.1.5", r));
        }));

        Assert.Equal(80, _hook.Requests.Count);
        Assert.InRange(_hook.Connections.Count, 1, 8); // at most one per check in flight, reused after
    }

    [Fact]
    public async Task The_hook_receives_the_check_as_a_camel_case_document_with_the_configured_headers()
    {
        var variable = $"ACTORSMTP_TEST_TOKEN_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "Bearer s3cret");
        await using var server = await StartAsync($"""headers {"{"} Authorization = "env:{variable}", X-Tenant = plain {"}"}""", "mail, rcpt");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\n");
        await client.ExpectAsync("250 ");

        await client.SendAsync("MAIL FROM:<a@b.test> SIZE=100 BODY=8BITMIME\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.SendAsync("RCPT TO:<first@x.test>\r\n");
        await client.ExpectAsync("250 2.1.5");
        await client.SendAsync("RCPT TO:<second@x.test>\r\n");
        await client.ExpectAsync("250 2.1.5");

        var (body, authorization) = _hook.Requests.Single(r => r.Body.GetProperty("recipient").GetString() == "second@x.test");
        Assert.Equal("Bearer s3cret", authorization);
        Assert.Equal("rcpt", body.GetProperty("stage").GetString());
        Assert.Equal("127.0.0.1", body.GetProperty("client").GetProperty("address").GetString());
        Assert.InRange(body.GetProperty("client").GetProperty("port").GetInt32(), 1, 65535);
        Assert.Equal("client.test", body.GetProperty("helo").GetString());
        Assert.Equal("a@b.test", body.GetProperty("mailFrom").GetString());
        Assert.Equal(JsonValueKind.String, body.GetProperty("parameters").ValueKind); // RCPT's own, none here
        Assert.Equal(["first@x.test"], body.GetProperty("recipients").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("authenticatedAs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("tls").ValueKind);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("tags").ValueKind);

        var mail = _hook.Requests.Single(r => r.Body.GetProperty("stage").GetString() == "mail").Body;
        Assert.Equal("a@b.test", mail.GetProperty("mailFrom").GetString());
        Assert.Equal("SIZE=100 BODY=8BITMIME", mail.GetProperty("parameters").GetString());
        Assert.Equal(JsonValueKind.Null, mail.GetProperty("recipient").ValueKind);
        Assert.Empty(mail.GetProperty("recipients").EnumerateArray());
    }

    [Fact]
    public async Task Every_stage_is_asked_under_its_configured_name()
    {
        await using var server = await StartAsync(stages: "connect, helo, mail, rcpt");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);

        await RecipientsAsync(client, "alice@x.test");

        Assert.Equal(["connect", "helo", "mail", "rcpt"], _hook.Requests.Select(r => r.Body.GetProperty("stage").GetString()));
        Assert.All(_hook.Requests, r => Assert.Equal("127.0.0.1", r.Body.GetProperty("client").GetProperty("address").GetString()));
    }
}
