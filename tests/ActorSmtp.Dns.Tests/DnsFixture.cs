using System.Net;
using Xunit;

namespace ActorSmtp.Dns.Tests;

/// <summary>One unbound with <see cref="DnsZone"/> for a test class.</summary>
public sealed class DnsFixture : IAsyncLifetime
{
    public TestDnsServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestDnsServer.StartAsync(DnsZone.Records);

    /// <summary>A resolver asking only <paramref name="server"/> (this fixture's unbound unless given).</summary>
    public DnsResolver Resolver(IPEndPoint? server = null, TimeSpan? timeout = null, int attempts = 2,
                                DnsCacheSettings? cache = null, TimeProvider? time = null) =>
        new(new DnsSettings([server ?? Server.EndPoint], timeout ?? TimeSpan.FromSeconds(2), attempts, cache ?? DnsCacheSettings.Default), time);

    public async Task DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
    }
}
