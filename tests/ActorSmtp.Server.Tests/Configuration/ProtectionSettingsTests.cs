using System.Net;
using ActorSmtp.Host;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Server.Tests.Configuration;

/// <summary>The public configuration contract of the abuse protection: keys, defaults, validation.</summary>
public sealed class ProtectionSettingsTests
{
    [Fact]
    public void Shipped_defaults()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.Reference, ShippedSinks.Catalog());
        var p = settings.Protection;
        Assert.Equal(50, p.MaxConnectionsPerClient);
        Assert.Equal(0, p.ConnectionRatePerClient);
        Assert.Equal(0, p.MessageRatePerClient);
        Assert.Equal(0, p.RecipientRatePerClient);
        Assert.Equal(0, p.AuthRatePerClient);
        Assert.Equal(0, p.TlsSessionRatePerClient);
        Assert.Equal(TimeSpan.Zero, p.GreetingDelay);
        Assert.Equal(1024, p.MinDataRate);
        Assert.Equal(100 * 1024, p.MaxHeaderSize);
        Assert.False(p.RejectLongDataLines);
        Assert.Equal(100, p.MaxJunkCommands);
        Assert.True(p.CloseOnNonSmtpCommands);
        Assert.Equal(TimeSpan.FromSeconds(30), p.ShutdownGrace);
        Assert.Equal(84, p.ClientIpv6PrefixLength);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Tls.HandshakeTimeout);
        Assert.True(p.IsTrusted(IPAddress.Loopback));
        Assert.True(p.IsTrusted(IPAddress.Parse("127.9.9.9")));
        Assert.True(p.IsTrusted(IPAddress.IPv6Loopback));
        Assert.True(p.IsTrusted(IPAddress.Parse("::ffff:127.0.0.1"))); // dual-stack sockets
        Assert.False(p.IsTrusted(IPAddress.Parse("192.0.2.1")));
        Assert.Empty(p.TrustedProxies);
        Assert.Null(Assert.Single(settings.Endpoints).ProxyProtocol);
        var session = settings.SessionOptions(settings.Endpoints[0]);
        Assert.Equal(100, session.MaxJunkCommands);
        Assert.True(session.CloseOnNonSmtpCommands);
    }

    [Fact]
    public void Keys_are_read()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("""
            actorsmtp {
              endpoints = [ { address = "0.0.0.0", port = 25, proxy-protocol = v2 }, { address = "0.0.0.0", port = 26, proxy-protocol = any } ]
              trusted-networks = [ "10.0.0.0/8", "192.168.1.7/24", "2001:db8::/32", "198.51.100.9" ]
              trusted-proxies = [ "10.1.2.3" ]
              shutdown-grace = 5s
              limits {
                max-connections-per-client = 7, connection-rate-per-client = 60, message-rate-per-client = 100
                recipient-rate-per-client = 1000, greeting-delay = 3s, min-data-rate = 500, max-header-size = 64KiB
                long-data-lines = reject, max-errors = 5, tls-handshake-timeout = 4s, max-junk-commands = 9
                close-on-non-smtp-commands = off, auth-rate-per-client = 30, tls-session-rate-per-client = 20
              }
            }
            """), ShippedSinks.Catalog());
        var p = settings.Protection;
        Assert.Equal((7, 60, 100, 1000), (p.MaxConnectionsPerClient, p.ConnectionRatePerClient, p.MessageRatePerClient, p.RecipientRatePerClient));
        Assert.Equal((30, 20), (p.AuthRatePerClient, p.TlsSessionRatePerClient));
        Assert.Equal(TimeSpan.FromSeconds(3), p.GreetingDelay);
        Assert.Equal(500, p.MinDataRate);
        Assert.Equal(64 * 1024, p.MaxHeaderSize);
        Assert.True(p.RejectLongDataLines);
        Assert.Equal(5, settings.MaxErrors);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.Tls.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), p.ShutdownGrace);
        Assert.Equal(9, settings.SessionOptions(settings.Endpoints[0]).MaxJunkCommands);
        Assert.False(settings.SessionOptions(settings.Endpoints[0]).CloseOnNonSmtpCommands);
        Assert.True(p.IsTrusted(IPAddress.Parse("10.200.0.1")));
        Assert.True(p.IsTrusted(IPAddress.Parse("192.168.1.200"))); // host bits of 192.168.1.7/24 are masked
        Assert.True(p.IsTrusted(IPAddress.Parse("2001:db8:1::5")));
        Assert.True(p.IsTrusted(IPAddress.Parse("198.51.100.9")));
        Assert.False(p.IsTrusted(IPAddress.Loopback)); // the list replaces the default
        Assert.True(p.IsTrustedProxy(IPAddress.Parse("10.1.2.3")));
        Assert.False(p.IsTrustedProxy(IPAddress.Parse("10.1.2.4")));
        Assert.Equal(ProxyProtocolVersions.V2, settings.Endpoints[0].ProxyProtocol);
        Assert.Equal(ProxyProtocolVersions.Any, settings.Endpoints[1].ProxyProtocol);
    }

    [Fact]
    public void The_older_tls_handshake_timeout_key_still_works()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("actorsmtp.tls.handshake-timeout = 3s"), ShippedSinks.Catalog());
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Tls.HandshakeTimeout);
    }

    [Theory]
    [InlineData("actorsmtp.limits.max-connections-per-client = -1", "actorsmtp.limits.max-connections-per-client")]
    [InlineData("actorsmtp.limits.auth-rate-per-client = -1", "actorsmtp.limits.auth-rate-per-client")]
    [InlineData("actorsmtp.limits.tls-session-rate-per-client = -5", "actorsmtp.limits.tls-session-rate-per-client")]
    [InlineData("actorsmtp.limits.long-data-lines = truncate", "actorsmtp.limits.long-data-lines")]
    [InlineData("actorsmtp.limits.max-header-size = 10", "actorsmtp.limits.max-header-size")]
    [InlineData("actorsmtp.trusted-networks = [ \"10.0.0.0/33\" ]", "actorsmtp.trusted-networks[0]")]
    [InlineData("actorsmtp.trusted-proxies = [ \"proxy.example\" ]", "actorsmtp.trusted-proxies[0]")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, proxy-protocol = v3 } ]", "actorsmtp.endpoints[0].proxy-protocol")]
    public void Invalid_values_name_their_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(hocon), ShippedSinks.Catalog()));
        Assert.Equal(key, error.Key);
    }

    [Theory]
    [InlineData("auth-rate-per-client")]
    [InlineData("tls-session-rate-per-client")]
    public void An_auth_or_tls_session_rate_alone_makes_the_listener_track_clients(string key)
    {
        var limits = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($$"""
            actorsmtp.limits { max-connections-per-client = 0, {{key}} = 1 }
            """), ShippedSinks.Catalog()).Protection;
        Assert.True(limits.LimitsClients); // without a table entry the session would get no rates to ask
    }
}
