using System.Net;
using Akka.Configuration;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>The HOCON contract of the sink: defaults, each key, validation naming the key, no password in HOCON.</summary>
public sealed class RelaySettingsTests
{
    private static RelaySettings Read(string hocon) => RelaySettings.From(ConfigurationFactory.ParseString("type = relay\n" + hocon));

    private static ActorSmtpSettings Server(string relay) =>
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp.sink = relay\nactorsmtp.accepted-domains = [example.com]\nactorsmtp.sinks.relay {{ {relay} }}"), TestServer.Sinks());

    [Fact]
    public void Defaults_match_the_documented_contract()
    {
        var settings = Read("host = smtp.example.net");
        Assert.Equal(("smtp.example.net", 25, TlsMode.None, true, false), (settings.Host, settings.Port, settings.Tls, settings.VerifyCertificate, settings.Mx));
        Assert.Null(settings.Auth);
        Assert.Empty(settings.DnsServers);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.DnsTimeout);
        Assert.Equal(System.Net.Dns.GetHostName(), settings.HeloName);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)), (settings.ConnectTimeout, settings.CommandTimeout));
        Assert.Equal((4, TimeSpan.FromSeconds(30)), (settings.MaxPerDestination, settings.Idle));
    }

    [Fact]
    public void The_reference_block_is_the_relay_sink_with_the_same_defaults()
    {
        var relay = Server("host = smtp.example.net").Sinks["relay"];
        Assert.Equal(typeof(RelaySink), relay.ActorType);
        var documented = RelaySettings.From(relay.Config);
        var coded = Read("host = smtp.example.net");
        Assert.Equal(coded with { DnsServers = [] }, documented with { DnsServers = [] });
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Read("""
            mx = on, port = 2525, tls = starttls, verify-certificate = off, helo-name = relay.example
            auth { user = alice, password-env = RELAY_PASSWORD }
            dns { servers = [ "127.0.0.1:5353", "192.0.2.53" ], timeout = 2s }
            connect-timeout = 3s, command-timeout = 4s, pool { max-per-destination = 2, idle = 5s }
            """);
        Assert.Equal(("", 2525, TlsMode.StartTls, false, true, "relay.example"),
            (settings.Host, settings.Port, settings.Tls, settings.VerifyCertificate, settings.Mx, settings.HeloName));
        Assert.Equal(new Credentials("alice", "", "RELAY_PASSWORD"), settings.Auth);
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:5353"), IPEndPoint.Parse("192.0.2.53:53")], settings.DnsServers);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.DnsTimeout);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)), (settings.ConnectTimeout, settings.CommandTimeout));
        Assert.Equal((2, TimeSpan.FromSeconds(5)), (settings.MaxPerDestination, settings.Idle));
    }

    [Theory]
    [InlineData("", "host")]
    [InlineData("mx = on, host = smtp.example.net", "host")]
    [InlineData("host = h, port = 0", "port")]
    [InlineData("host = h, tls = ssl", "tls")]
    [InlineData("host = h, auth.user = alice", "auth.password-file")]
    [InlineData("host = h, auth { user = alice, password-file = f, password-env = E }", "auth.password-file")]
    [InlineData("host = h, auth.password-env = E", "auth.user")]
    [InlineData("mx = on, dns.servers = [ \"resolver.example\" ]", "dns.servers")]
    [InlineData("host = h, command-timeout = 0s", "command-timeout")]
    [InlineData("host = h, pool.max-per-destination = 0", "pool.max-per-destination")]
    public void An_invalid_block_names_its_key(string hocon, string key)
    {
        var failure = Assert.Throws<ConfigurationException>(() => Read(hocon));
        Assert.Contains($"`{key}`", failure.Message);
        var server = Assert.Throws<SettingsException>(() => Server(hocon)); // start-up and check-config: exit 2
        Assert.StartsWith("actorsmtp.sinks.relay", server.Key);
    }

    [Fact]
    public void A_password_in_the_hocon_itself_is_an_unknown_key()
    {
        var failure = Assert.Throws<SettingsException>(() => Server("host = h, auth { user = alice, password = s3cret }"));
        Assert.Equal("actorsmtp.sinks.relay.auth.password", failure.Key);
        Assert.DoesNotContain("s3cret", failure.Message);
    }
}
