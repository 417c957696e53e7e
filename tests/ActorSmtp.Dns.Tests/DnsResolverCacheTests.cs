using System.Net;
using System.Net.Sockets;
using Xunit;

namespace ActorSmtp.Dns.Tests;

/// <summary>
/// The resolver's own cache against a real unbound that each test stops: what is answered after that came from
/// the cache. Expiry runs on a <see cref="ManualClock"/>, never on sleeps.
/// </summary>
public sealed class DnsResolverCacheTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    private static DnsResolver Resolver(TestDnsServer server, ManualClock clock, DnsCacheSettings? cache = null) =>
        new(new DnsSettings([server.EndPoint], Short, 1, cache ?? DnsCacheSettings.Default), clock);

    [Fact]
    public async Task An_answer_is_served_again_without_the_server()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var resolver = Resolver(server, new ManualClock());
        var first = await resolver.TxtAsync("long.test");

        await server.StopAsync();
        var again = await resolver.TxtAsync("LONG.test.");

        Assert.Equal(first.Records, again.Records);
        Assert.Equal(DnsStatus.Failed, (await resolver.TxtAsync("host.test")).Status); // it is down: not asked before
    }

    [Fact]
    public async Task NXDOMAIN_and_no_data_are_kept_for_the_SOA_minimum()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var clock = new ManualClock();
        var resolver = Resolver(server, clock);
        await resolver.AddressesAsync("nowhere.test", AddressFamily.InterNetwork);
        await resolver.MxAsync("host.test");
        await server.StopAsync();

        clock.Advance(TimeSpan.FromSeconds(29)); // the zone's SOA says 30 s
        Assert.Equal(DnsStatus.NotFound, (await resolver.AddressesAsync("nowhere.test", AddressFamily.InterNetwork)).Status);
        Assert.Equal(DnsAnswer<MxRecord>.NoData, await resolver.MxAsync("host.test"));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DnsStatus.Failed, (await resolver.AddressesAsync("nowhere.test", AddressFamily.InterNetwork)).Status);
        Assert.Equal(DnsStatus.Failed, (await resolver.MxAsync("host.test")).Status);
    }

    [Fact]
    public async Task A_positive_answer_expires_with_its_smallest_TTL()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var clock = new ManualClock();
        var resolver = Resolver(server, clock);
        await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork); // TTL 300
        await server.StopAsync();

        clock.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(2, (await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork)).Records.Count);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DnsStatus.Failed, (await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork)).Status);
    }

    [Fact]
    public async Task Min_ttl_and_max_ttl_clamp_the_record_s_TTL()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var clock = new ManualClock();
        var resolver = Resolver(server, clock, new DnsCacheSettings(100, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)));
        await resolver.AddressesAsync("short.test", AddressFamily.InterNetwork); // TTL 5: kept 60
        await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork); // TTL 300: kept 120
        await server.StopAsync();

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(DnsStatus.Ok, (await resolver.AddressesAsync("short.test", AddressFamily.InterNetwork)).Status);
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(DnsStatus.Failed, (await resolver.AddressesAsync("short.test", AddressFamily.InterNetwork)).Status);
        Assert.Equal(DnsStatus.Ok, (await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork)).Status);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DnsStatus.Failed, (await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork)).Status);
    }

    [Fact]
    public async Task A_failure_is_not_kept()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var resolver = Resolver(server, new ManualClock());

        Assert.Equal(DnsStatus.Failed, (await resolver.TxtAsync("x." + TestDnsServer.TimeoutZone)).Status);

        Assert.Equal(0, resolver.CachedAnswers);
    }

    [Fact]
    public async Task Max_entries_bounds_the_cache_and_the_oldest_goes_first()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var resolver = Resolver(server, new ManualClock(), new DnsCacheSettings(2, TimeSpan.Zero, TimeSpan.FromHours(1)));
        await resolver.TxtAsync("host.test");
        await resolver.TxtAsync("long.test");
        await resolver.MxAsync("mail.test");

        Assert.Equal(2, resolver.CachedAnswers);
        await server.StopAsync();
        Assert.Equal(DnsStatus.Failed, (await resolver.TxtAsync("host.test")).Status);
        Assert.Equal(DnsStatus.Ok, (await resolver.TxtAsync("long.test")).Status);
        Assert.Equal(DnsStatus.Ok, (await resolver.MxAsync("mail.test")).Status);
    }

    [Fact]
    public async Task Max_entries_0_keeps_nothing()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var resolver = Resolver(server, new ManualClock(), new DnsCacheSettings(0, TimeSpan.Zero, TimeSpan.FromHours(1)));

        await resolver.TxtAsync("host.test");

        Assert.Equal(0, resolver.CachedAnswers);
    }

    [Fact]
    public async Task The_same_name_of_another_type_is_another_entry()
    {
        await using var server = await TestDnsServer.StartAsync(DnsZone.Records);
        var resolver = Resolver(server, new ManualClock());

        var v4 = await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork);
        var v6 = await resolver.AddressesAsync("host.test", AddressFamily.InterNetworkV6);

        Assert.NotEqual(v4.Records, v6.Records);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.Single(v6.Records));
    }
}
