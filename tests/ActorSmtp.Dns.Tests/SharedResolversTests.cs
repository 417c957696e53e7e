using System.Net;
using Xunit;

namespace ActorSmtp.Dns.Tests;

public sealed class SharedResolversTests
{
    [Fact]
    public void Equal_settings_share_one_resolver_and_others_do_not()
    {
        DnsSettings Settings(int port, int attempts = 2) =>
            new([new IPEndPoint(IPAddress.Loopback, port)], TimeSpan.FromSeconds(2), attempts, DnsCacheSettings.Default);

        var first = SharedResolvers.For(Settings(5301));

        Assert.Same(first, SharedResolvers.For(Settings(5301)));
        Assert.NotSame(first, SharedResolvers.For(Settings(5302)));
        Assert.NotSame(first, SharedResolvers.For(Settings(5301, attempts: 1)));
    }
}
