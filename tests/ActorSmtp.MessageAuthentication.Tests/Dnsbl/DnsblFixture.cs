using ActorSmtp.Dns;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Dnsbl;

/// <summary>unbound serving two blocklists, bl.test and bl2.test, and the resolver that asks it.</summary>
public sealed class DnsblFixture : IAsyncLifetime
{
    private const string V6Listed = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"; // 2001:db8::2

    private static readonly string[] Records =
    [
        "2.0.0.127.bl.test. A 127.0.0.2", // RFC 5782 §5: the test address every list lists
        $"{V6Listed}.bl.test. A 127.0.0.2",
        "10.2.0.192.bl.test. A 127.0.0.4", // 192.0.2.10: in both lists
        "10.2.0.192.bl2.test. A 127.0.0.10",
        "11.2.0.192.bl.test. A 127.0.0.3", // 192.0.2.11: in bl.test only
        "20.2.0.192.bl.test. A 127.255.255.254", // 192.0.2.20: Spamhaus' "query refused"
        "30.2.0.192.bl.test. A 192.0.2.99", // 192.0.2.30: not a listing (outside 127/8)
    ];

    public TestDnsServer Server { get; private set; } = null!;

    public IDnsLookup Dns { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestDnsServer.StartAsync(Records);
        Dns = new DnsResolver(new DnsSettings([Server.EndPoint], TimeSpan.FromSeconds(1), 1, DnsCacheSettings.Default));
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
    }
}
