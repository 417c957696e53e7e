using System.Net.Sockets;
using Xunit;

namespace ActorSmtp.Dns.Tests;

/// <summary>What the test DNS server promises the other test projects (SPF, DKIM, DMARC, the relay).</summary>
public sealed class TestDnsServerTests
{
    private static DnsResolver Resolver(TestDnsServer server) =>
        new(new DnsSettings([server.EndPoint], TimeSpan.FromSeconds(2), 1, DnsCacheSettings.Default));

    [Fact]
    public async Task Extra_zones_answer_from_their_records_and_NXDOMAIN_otherwise()
    {
        await using var server = await TestDnsServer.StartAsync(["mail.example. MX 10 mx.example."], ["example"]);
        var resolver = Resolver(server);

        Assert.Equal("mx.example", Assert.Single((await resolver.MxAsync("mail.example")).Records).Exchange);
        Assert.Equal(DnsStatus.NotFound, (await resolver.MxAsync("other.example")).Status);
    }

    [Fact]
    public async Task TXT_strings_keep_quotes_backslashes_and_their_split()
    {
        var value = "say \"hi\" \\ and semi; colons";
        await using var server = await TestDnsServer.StartAsync(
            [TestDnsServer.Txt("q.test.", value), TestDnsServer.TxtStrings("split.test.", ["v=spf1", " -all"]), TestDnsServer.Txt("empty.test.", "")]);
        var resolver = Resolver(server);

        Assert.Equal(value, Assert.Single((await resolver.TxtAsync("q.test")).Records));
        Assert.Equal("v=spf1 -all", Assert.Single((await resolver.TxtAsync("split.test")).Records));
        Assert.Equal("", Assert.Single((await resolver.TxtAsync("empty.test")).Records));
    }

    [Fact]
    public async Task A_record_unbound_refuses_fails_the_start_with_its_words()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestDnsServer.StartAsync(["broken.test. A not-an-address"]));

        Assert.Contains("unbound exited", error.Message);
    }

    [Fact]
    public async Task Stopped_it_answers_nothing()
    {
        await using var server = await TestDnsServer.StartAsync(["a.test. A 192.0.2.1"]);
        await server.StopAsync();

        Assert.Equal(DnsStatus.Failed, (await Resolver(server).AddressesAsync("a.test", AddressFamily.InterNetwork)).Status);
    }
}
