using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests.Mx;

/// <summary>
/// The relay sink in MX mode as the default sink, over real sockets with a real resolver (unbound): one destination
/// per transaction, decided at RCPT (452 4.5.3 for a recipient of another), and a domain's trouble known at RCPT.
/// </summary>
public sealed class RcptDestinationTests(MxFixture mx) : IClassFixture<MxFixture>
{
    private Task<TestServer> FrontAsync(string? servers = null) => TestServer.StartAsync($$"""
        actorsmtp.sink = relay
        actorsmtp.relay-networks = [ "127.0.0.0/8" ]
        actorsmtp.accepted-domains = [ "front.test" ]
        actorsmtp.sinks.relay {
          type = relay
          {{mx.Block(servers)}}
        }
        """);

    [Fact]
    public async Task A_recipient_of_another_destination_gets_452_4_5_3_and_goes_in_the_next_transaction()
    {
        await using var front = await FrontAsync();
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);

        await client.SendAsync("MAIL FROM:<a@front.test>\r\nRCPT TO:<one@gamma.test>\r\nRCPT TO:<two@alpha.test>\r\nRCPT TO:<three@delta.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        Assert.StartsWith("452 4.5.3", await client.ExpectAsync("452"));
        await client.ExpectAsync("250 2.1.5"); // delta has gamma's MX hosts: the same destination
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: first\r\n\r\nto gamma\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");
        await client.SendAsync("MAIL FROM:<a@front.test>\r\nRCPT TO:<two@alpha.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: second\r\n\r\nto alpha\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        Assert.Single(mx.UpstreamB.StoredMessages().Values, m => System.Text.Encoding.ASCII.GetString(m).Contains("Subject: first"));
        Assert.Single(mx.UpstreamA.StoredMessages().Values, m => System.Text.Encoding.ASCII.GetString(m).Contains("Subject: second"));
    }

    [Fact]
    public async Task Reached_through_a_route_the_check_is_asked_only_about_the_relay_s_recipients()
    {
        await using var front = await TestServer.StartAsync($$"""
            actorsmtp.relay-networks = [ "127.0.0.0/8" ]
            actorsmtp.accepted-domains = [ "front.test" ]
            actorsmtp.routes = [ { domains = [ "alpha.test", "beta.test" ], sink = relay } ]
            actorsmtp.sinks.relay {
              type = relay
              {{mx.Block()}}
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);

        await client.SendAsync("MAIL FROM:<a@front.test>\r\nRCPT TO:<local@front.test>\r\nRCPT TO:<x@beta.test>\r\n" +
                               "RCPT TO:<y@alpha.test>\r\nRCPT TO:<other@front.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5"); // the file sink's: not looked up
        await client.ExpectAsync("250 2.1.5"); // the relay's first destination
        Assert.StartsWith("452 4.5.3", await client.ExpectAsync("452"));
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: routed\r\n\r\nhalf here, half relayed\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var stored = Assert.Single(front.StoredMessages());
        Assert.Contains("Subject: routed", System.Text.Encoding.ASCII.GetString(stored.Value));
        Assert.Single(mx.UpstreamB.StoredMessages().Values, m => System.Text.Encoding.ASCII.GetString(m).Contains("Subject: routed"));
    }

    [Fact]
    public async Task A_domain_that_does_not_exist_is_refused_at_rcpt()
    {
        await using var front = await FrontAsync();
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);
        await client.SendAsync("MAIL FROM:<a@front.test>\r\nRCPT TO:<x@nowhere.test>\r\nRCPT TO:<y@nomail.test>\r\n");
        await client.ExpectAsync("250");
        Assert.StartsWith("550 5.1.2", await client.ExpectAsync("550"));
        Assert.StartsWith("556 5.1.10", await client.ExpectAsync("556"));
    }

    [Fact]
    public async Task A_resolver_that_does_not_answer_defers_at_rcpt_with_451_4_4_3()
    {
        using var silent = new SilentUdpPort();
        await using var front = await FrontAsync(silent.Server);
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);
        await client.SendAsync("MAIL FROM:<a@front.test>\r\nRCPT TO:<x@alpha.test>\r\n");
        await client.ExpectAsync("250");
        Assert.StartsWith("451 4.4.3", await client.ExpectAsync("451"));
    }
}
