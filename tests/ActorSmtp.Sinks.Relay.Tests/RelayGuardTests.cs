using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>Open relay protection around the relay sink: refused at start-up unless said in so many words, and the classic probes at RCPT.</summary>
public sealed class RelayGuardTests
{
    private const string Relay = "actorsmtp.sink = relay\nactorsmtp.sinks.relay { host = \"127.0.0.1\", port = 2525 }\n";

    private static ActorSmtpSettings Read(string hocon) => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(Relay + hocon), TestServer.Sinks());

    [Fact]
    public void A_relay_sink_for_anyone_to_anywhere_stops_start_up_naming_accepted_domains()
    {
        var error = Assert.Throws<SettingsException>(() => Read(""));
        Assert.Equal("actorsmtp.accepted-domains", error.Key);
        Assert.Contains("allow-open-relay", error.Message);
    }

    [Theory]
    [InlineData("actorsmtp.accepted-domains = [ \"example.com\" ]")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls, auth = required } ]\n" +
                "actorsmtp.auth.users = [ { name = \"a\", password-hash = \"pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\" } ]\n" +
                "actorsmtp.tls.self-signed = on")]
    public void Accepted_domains_or_required_auth_make_it_a_closed_relay(string hocon) => Assert.False(Read(hocon).IsOpenRelay);

    [Fact]
    public void Allow_open_relay_starts_it_and_says_so()
    {
        var settings = Read("actorsmtp.allow-open-relay = on");
        Assert.True(settings.IsOpenRelay);
    }

    [Theory]
    [InlineData("victim@elsewhere.test")]
    [InlineData("victim%elsewhere.test@example.com")]
    [InlineData("@example.com:victim@elsewhere.test")]
    public async Task An_unauthenticated_client_cannot_relay_beyond_the_accepted_domains(string recipient)
    {
        await using var upstream = await TestServer.StartAsync();
        await using var front = await TestServer.StartAsync(
            $"actorsmtp.sink = relay\nactorsmtp.accepted-domains = [ \"example.com\" ]\nactorsmtp.sinks.relay {{ host = \"127.0.0.1\", port = {upstream.EndPoint.Port} }}");
        await using var client = await RawSmtpClient.GreetedAsync(front.EndPoint);
        await client.SendAsync($"MAIL FROM:<spammer@elsewhere.test>\r\nRCPT TO:<{recipient}>\r\nRCPT TO:<user@example.com>\r\n");
        await client.ExpectAsync("250");
        Assert.Equal("554 5.7.1 Relay access denied", await client.ExpectAsync("554"));
        await client.ExpectAsync("250 2.1.5");
    }
}
