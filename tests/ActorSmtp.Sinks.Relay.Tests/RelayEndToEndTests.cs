using System.Text;
using ActorSmtp.Sinks.Relay.Tests.Support;
using MailKit.Net.Smtp;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>
/// A client (MailKit, raw transcripts) → ActorSmtp with the relay sink selected (<c>sink = relay</c>) → a second
/// ActorSmtp storing to its file sink: the client's reply is the upstream's, and nothing stays in between.
/// </summary>
public sealed class RelayEndToEndTests
{
    private static Task<TestServer> FrontAsync(int upstreamPort, string relay = "", string hocon = "") => TestServer.StartAsync($$"""
        actorsmtp.sink = relay
        actorsmtp.allow-open-relay = on # loopback only: the relay guard is tested in RelayGuardTests
        actorsmtp.sinks.relay { host = "127.0.0.1", port = {{upstreamPort}}, helo-name = {{RelayBlocks.HeloName}}, connect-timeout = 2s, {{relay}} }
        {{hocon}}
        """);

    [Fact]
    public async Task MailKit_gets_its_250_once_the_upstream_stored_the_exact_message_with_one_trace_header_more()
    {
        await using var upstream = await TestServer.StartAsync();
        await using var front = await FrontAsync(upstream.EndPoint.Port);
        var message = MimeMessages.Create("relayed", "through two servers");

        using (var client = await front.ConnectAsync())
        {
            var response = await client.SendAsync(message);
            Assert.Contains("2.0.0", response);
            await client.DisconnectAsync(true);
        }

        var (_, stored) = Assert.Single(upstream.StoredMessages());
        var wire = MimeMessages.WireBytes(message);
        var trace = Encoding.ASCII.GetString(stored, 0, stored.Length - wire.Length);
        Assert.Equal(wire, stored[^wire.Length..]);
        Assert.Matches(@"^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby relay\.test \(ActorSmtp\) with ESMTP id \w+\r\n\tfor <rcpt@example\.test>; .+ \+0000\r\n$", trace);
        Assert.Empty(front.StoredMessages()); // the front keeps nothing: the upstream has it
    }

    [Fact]
    public async Task The_upstream_refusal_is_the_client_reply_with_its_enhanced_code()
    {
        await using var upstream = await TestServer.StartAsync(
            "actorsmtp.sink = reject\nactorsmtp.sinks.reject { code = 554, message = \"5.7.1 Spam refused upstream\" }");
        await using var front = await FrontAsync(upstream.EndPoint.Port);
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);

        await client.BeginDataAsync();
        await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");

        Assert.Equal("554 5.7.1 Spam refused upstream", await client.ExpectAsync("554"));
    }

    [Fact]
    public async Task An_upstream_recipient_refusal_reaches_the_client_after_the_data()
    {
        await using var upstream = await TestServer.StartAsync("actorsmtp.limits.max-recipients = 1");
        await using var front = await FrontAsync(upstream.EndPoint.Port);
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);

        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<one@x.test>\r\nRCPT TO:<two@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");

        Assert.StartsWith("452 4.5.3", await client.ExpectAsync("452"));
        Assert.Empty(upstream.StoredMessages());
    }

    [Fact]
    public async Task An_unreachable_upstream_gives_451_and_a_fallback_sink_takes_the_message()
    {
        var nobody = FreePort.Tcp();
        await using (var alone = await FrontAsync(nobody))
        await using (var client = await RawSmtpClient.GreetedAsync(alone.EndPoint))
        {
            await client.BeginDataAsync();
            await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");
            await client.ExpectAsync("451 4.4.1");
        }

        await using var front = await FrontAsync(nobody, relay: "fallback = file");
        using var mailkit = await front.ConnectAsync();
        await mailkit.SendAsync(MimeMessages.Create("kept", "while the upstream is down"));
        Assert.Single(front.StoredMessages());
    }

    [Fact]
    public async Task A_big_message_relays_while_it_arrives()
    {
        await using var upstream = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 64MiB");
        await using var front = await FrontAsync(upstream.EndPoint.Port, hocon: "actorsmtp.limits.max-message-size = 64MiB");
        var message = MimeMessages.Create("big", string.Concat(Enumerable.Repeat(new string('y', 76) + "\n", 100_000))); // ~7.7 MB

        using var client = await front.ConnectAsync(TimeSpan.FromMinutes(1));
        await client.SendAsync(message);

        var (_, stored) = Assert.Single(upstream.StoredMessages());
        Assert.Equal(MimeMessages.WireBytes(message), stored[^MimeMessages.WireBytes(message).Length..]);
    }
}
