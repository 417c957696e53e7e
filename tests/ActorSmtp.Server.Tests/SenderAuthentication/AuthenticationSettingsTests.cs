using System.Net;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Server.Tests.SenderAuthentication;

/// <summary>The public configuration contract of actorsmtp.authentication, dnsbl and dns: keys, defaults, validation.</summary>
public sealed class AuthenticationSettingsTests
{
    private static ActorSmtpSettings Read(string hocon) => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(hocon), ShippedSinks.Catalog());

    [Fact]
    public void Everything_is_off_by_default_and_asks_no_dns()
    {
        var settings = Read("").Authentication;

        Assert.False(settings.Any);
        Assert.Equal((false, false, false, false, false), (settings.Spf, settings.Dkim, settings.Dmarc, settings.Arc, settings.AddAuthenticationResults));
        Assert.Equal((false, false, false), (settings.RejectSpfFail, settings.RejectDmarc, settings.TagDmarcQuarantine));
        Assert.Empty(settings.Dnsbl);
        Assert.Empty(settings.Dns.Servers);
        Assert.Equal((TimeSpan.FromSeconds(2), 2), (settings.Dns.Timeout, settings.Dns.Attempts));
        Assert.Equal(new ActorSmtp.Dns.DnsCacheSettings(10_000, TimeSpan.Zero, TimeSpan.FromHours(1)), settings.Dns.Cache);
    }

    [Fact]
    public void The_documented_keys_read_as_written()
    {
        var settings = Read("""
            actorsmtp.authentication { spf = on, dkim = on, dmarc = on, arc = on, add-authentication-results = on,
              spf-fail = reject, dmarc-reject = reject, dmarc-quarantine = tag }
            actorsmtp.dnsbl = [ { zone = "zen.example", reply = "554 5.7.1 Service unavailable; client [{ip}] blocked using {zone}" },
                                { zone = "b.example.", weight = 2 } ]
            actorsmtp.dnsbl-threshold = 2
            actorsmtp.dns { servers = [ "127.0.0.1:5353", "192.0.2.53" ], timeout = 1s, attempts = 3 }
            """).Authentication;

        Assert.True(settings.Spf && settings.Dkim && settings.Dmarc && settings.Arc && settings.AddAuthenticationResults);
        Assert.True(settings.RejectSpfFail && settings.RejectDmarc && settings.TagDmarcQuarantine);
        Assert.Equal(["zen.example", "b.example"], settings.Dnsbl.Select(z => z.Zone));
        Assert.Equal([1, 2], settings.Dnsbl.Select(z => z.Weight));
        Assert.Equal(2, settings.DnsblThreshold);
        Assert.Equal("554 5.7.1 Service unavailable; client [192.0.2.9] blocked using zen.example",
            settings.Dnsbl[0].ReplyFor(IPAddress.Parse("192.0.2.9")).ToString());
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:5353"), new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53)], settings.Dns.Servers);
        Assert.Equal((TimeSpan.FromSeconds(1), 3), (settings.Dns.Timeout, settings.Dns.Attempts));
    }

    [Theory]
    [InlineData("actorsmtp.authentication.spf = maybe", "actorsmtp.authentication.spf")]
    [InlineData("actorsmtp.authentication.spf-fail = bounce", "actorsmtp.authentication.spf-fail")]
    [InlineData("actorsmtp.authentication.spf-fail = reject", "actorsmtp.authentication.spf-fail")] // spf is off
    [InlineData("actorsmtp.authentication { spf = on, dkim = off, dmarc = on }", "actorsmtp.authentication.dmarc")]
    [InlineData("actorsmtp.authentication.dmarc-reject = reject", "actorsmtp.authentication.dmarc-reject")] // dmarc is off
    [InlineData("actorsmtp.authentication.dmarc-quarantine = drop", "actorsmtp.authentication.dmarc-quarantine")]
    [InlineData("actorsmtp.authentication.colour = red", "actorsmtp.authentication.colour")]
    [InlineData("actorsmtp.dnsbl = [ { zone = \"\" } ]", "actorsmtp.dnsbl[0].zone")]
    [InlineData("actorsmtp.dnsbl = [ { zone = \"z.example\", reply = \"250 fine\" } ]", "actorsmtp.dnsbl[0].reply")]
    [InlineData("actorsmtp.dnsbl = [ { zone = \"z.example\", reply = \"550 5.7.1 no\" } ]", "actorsmtp.dnsbl[0].reply")] // 554 or 421 at connect
    [InlineData("actorsmtp.dnsbl = [ { zone = \"z.example\", score = 3 } ]", "actorsmtp.dnsbl[0].score")]
    [InlineData("actorsmtp.dnsbl = { zone = \"z.example\" }", "actorsmtp.dnsbl")]
    [InlineData("actorsmtp.dnsbl-threshold = 0", "actorsmtp.dnsbl-threshold")]
    [InlineData("actorsmtp.dns.servers = [ \"dns.example\" ]", "actorsmtp.dns.servers[0]")]
    [InlineData("actorsmtp.dns.attempts = 0", "actorsmtp.dns.attempts")]
    [InlineData("actorsmtp.dns.cache.max-ttl = 1m\nactorsmtp.dns.cache.min-ttl = 1h", "actorsmtp.dns.cache.max-ttl")]
    public void Invalid_values_name_their_key(string hocon, string key)
    {
        var error = Assert.ThrowsAny<Exception>(() => Read(hocon));

        Assert.Contains(key, error.Message);
    }
}
