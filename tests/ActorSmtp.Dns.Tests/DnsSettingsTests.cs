using System.Net;
using Xunit;

namespace ActorSmtp.Dns.Tests;

public sealed class DnsSettingsTests
{
    [Theory]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData(" 192.0.2.53 ", "192.0.2.53", 53)]
    [InlineData("[::1]:53", "::1", 53)]
    [InlineData("[2001:db8::53]:5353", "2001:db8::53", 5353)]
    [InlineData("[::1]", "::1", 53)]
    [InlineData("::1", "::1", 53)]
    public void A_server_entry_is_an_address_with_an_optional_port(string entry, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), DnsSettings.ParseServer(entry));
    }

    [Theory]
    [InlineData("")]
    [InlineData("dns.example")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:53x")]
    [InlineData("[::1")]
    [InlineData("[::1]53")]
    [InlineData("300.1.1.1")]
    public void Anything_else_is_a_FormatException_that_quotes_the_entry(string entry)
    {
        var error = Assert.Throws<FormatException>(() => DnsSettings.ParseServer(entry));

        Assert.Contains($"\"{entry}\"", error.Message);
    }

    [Fact]
    public void The_default_asks_the_system_s_resolvers_for_2_seconds_twice()
    {
        Assert.Equal((0, TimeSpan.FromSeconds(2), 2), (DnsSettings.Default.Servers.Count, DnsSettings.Default.Timeout, DnsSettings.Default.Attempts));
        Assert.Equal(new DnsCacheSettings(10_000, TimeSpan.Zero, TimeSpan.FromHours(1)), DnsSettings.Default.Cache);
    }

    [Fact]
    public void Impossible_settings_are_refused_when_the_resolver_is_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsResolver(DnsSettings.Default with { Attempts = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsResolver(DnsSettings.Default with { Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsResolver(DnsSettings.Default with
        {
            Cache = new DnsCacheSettings(10, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)),
        }));
    }

    [Fact]
    public void The_default_resolver_is_made_from_the_system_s_servers_without_asking_anything()
    {
        var resolver = new DnsResolver(DnsSettings.Default);

        Assert.Equal(0, resolver.CachedAnswers);
    }
}
