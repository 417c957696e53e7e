using System.Diagnostics;
using System.Net;
using Akka.Configuration;
using ActorSmtp.Sinks.Relay.Routing;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests.Mx;

/// <summary>The destinations the connection's RCPT check compares, resolved by a real DNS server (unbound).</summary>
public sealed class RelayDestinationsTests(MxFixture mx) : IClassFixture<MxFixture>
{
    private RelayDestinations Destinations(string? servers = null) =>
        RelayDestinations.FromConfig(ConfigurationFactory.ParseString("type = relay\n" + mx.Block(servers)));

    private Task<DestinationLookup> ResolveAsync(string domain) => Destinations().ResolveAsync(domain, CancellationToken.None);

    [Fact]
    public async Task Lists_the_MX_hosts_by_preference_with_their_addresses()
    {
        var lookup = await ResolveAsync("alpha.test");

        Assert.False(lookup.IsRefused);
        Assert.Equal("mx:mx-down.alpha.test,mx.alpha.test", lookup.Key);
        Assert.Equal(
            [("mx-down.alpha.test", IPAddress.Parse("127.0.0.3"), mx.Port), ("mx.alpha.test", IPAddress.Loopback, mx.Port)],
            lookup.Destination!.Hosts.Select(host => (host.Name, host.Address!, host.Port)));
    }

    [Fact]
    public async Task Domains_with_the_same_MX_hosts_share_a_destination_and_others_do_not()
    {
        var gamma = await ResolveAsync("gamma.test");
        var delta = await ResolveAsync("DELTA.test.");

        Assert.Equal(gamma.Key, delta.Key);
        Assert.Equal(["mx.beta.test", "mx.alpha.test"], gamma.Destination!.Hosts.Select(host => host.Name)); // 5 before 50
        Assert.NotEqual((await ResolveAsync("alpha.test")).Key, (await ResolveAsync("beta.test")).Key);
    }

    [Fact]
    public async Task A_domain_without_MX_is_its_own_host()
    {
        var lookup = await ResolveAsync("plain.test");

        Assert.Equal("host:plain.test", lookup.Key);
        Assert.Equal(IPAddress.Loopback, Assert.Single(lookup.Destination!.Hosts).Address);
    }

    [Fact]
    public async Task A_domain_that_does_not_exist_is_refused_for_good_with_5_1_2()
    {
        var lookup = await ResolveAsync("no-such-domain.test");

        Assert.True(lookup.IsRefused);
        Assert.Equal((550, "5.1.2"), (lookup.Code, lookup.EnhancedCode));
        Assert.Contains("no-such-domain.test", lookup.Text);
    }

    [Fact]
    public async Task A_null_MX_is_refused_with_5_1_10()
    {
        var lookup = await ResolveAsync("nomail.test");

        Assert.Equal((556, "5.1.10"), (lookup.Code, lookup.EnhancedCode));
    }

    [Fact]
    public async Task A_resolver_that_does_not_answer_is_a_temporary_refusal_4_4_3()
    {
        using var silent = new SilentUdpPort();
        var watch = Stopwatch.StartNew();

        var lookup = await Destinations(silent.Server).ResolveAsync("alpha.test", CancellationToken.None);

        Assert.True(lookup.IsTransient);
        Assert.Equal((451, "4.4.3"), (lookup.Code, lookup.EnhancedCode));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}"); // dns.timeout = 500ms, one retry
    }

    [Fact]
    public async Task Given_the_server_s_resolver_it_asks_that_one_not_the_block_s()
    {
        var serverDns = new ActorSmtp.Dns.DnsResolver(new ActorSmtp.Dns.DnsSettings(
            [mx.Dns.EndPoint], TimeSpan.FromSeconds(2), 1, ActorSmtp.Dns.DnsCacheSettings.Default));
        using var silent = new SilentUdpPort(); // the block's own resolver would time out
        var block = ConfigurationFactory.ParseString("type = relay\n" + mx.Block(silent.Server));

        var lookup = await RelayDestinations.FromConfig(block, serverDns).ResolveAsync("gamma.test", CancellationToken.None);

        Assert.Equal(["mx.beta.test", "mx.alpha.test"], lookup.Destination!.Hosts.Select(host => host.Name));
        Assert.Equal(5, serverDns.CachedAnswers); // its questions: the MX, then A and AAAA of both hosts
    }

    [Fact]
    public async Task An_address_literal_is_its_own_destination()
    {
        var lookup = await ResolveAsync("[127.0.0.2]");

        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(lookup.Destination!.Hosts).Address);
    }

    [Fact]
    public async Task A_smarthost_is_the_destination_of_every_domain()
    {
        var smarthost = RelayDestinations.FromConfig(RelayBlocks.Smarthost(2525));

        var one = await smarthost.ResolveAsync("alpha.test", CancellationToken.None);
        var other = await smarthost.ResolveAsync("no-such-domain.test", CancellationToken.None);

        Assert.Equal("127.0.0.1:2525", one.Key);
        Assert.Equal(one.Key, other.Key);
    }
}
