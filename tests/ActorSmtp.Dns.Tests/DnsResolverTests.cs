using System.Net;
using System.Net.Sockets;
using Xunit;

namespace ActorSmtp.Dns.Tests;

/// <summary>The resolver against a real DNS server (unbound): each record type, and each way a question ends.</summary>
public sealed class DnsResolverTests(DnsFixture dns) : IClassFixture<DnsFixture>
{
    private readonly DnsResolver _resolver = dns.Resolver();

    [Fact]
    public async Task A_TXT_record_of_several_strings_is_one_string()
    {
        var answer = await _resolver.TxtAsync("host.test");

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Equal("v=spf1 ip4:192.0.2.0/24 -all", Assert.Single(answer.Records)); // RFC 7208 §3.3
    }

    [Fact]
    public async Task A_TXT_value_longer_than_255_bytes_comes_back_whole()
    {
        var answer = await _resolver.TxtAsync("long.test");

        Assert.True(DnsZone.LongText.Length > 255);
        Assert.Equal(DnsZone.LongText, Assert.Single(answer.Records));
    }

    [Fact]
    public async Task A_and_AAAA_records()
    {
        var v4 = await _resolver.AddressesAsync("host.test", AddressFamily.InterNetwork);
        var v6 = await _resolver.AddressesAsync("HOST.test.", AddressFamily.InterNetworkV6);

        Assert.Equal([IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")], v4.Records.OrderBy(a => a.ToString()));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.Single(v6.Records));
    }

    [Fact]
    public async Task MX_records_with_their_preference_and_the_exchange_without_the_trailing_dot()
    {
        var answer = await _resolver.MxAsync("mail.test");

        Assert.Equal([new MxRecord(10, "mx1.mail.test"), new MxRecord(20, "mx2.mail.test")], answer.Records.OrderBy(mx => mx.Preference));
    }

    [Fact]
    public async Task A_null_MX_has_an_empty_exchange()
    {
        var answer = await _resolver.MxAsync("nomail.test");

        Assert.Equal(new MxRecord(0, ""), Assert.Single(answer.Records)); // RFC 7505 §3
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("::ffff:192.0.2.1")] // IPv4-mapped: the in-addr.arpa name
    [InlineData("2001:db8::1")]
    public async Task PTR_names_of_IPv4_and_IPv6_addresses(string address)
    {
        var answer = await _resolver.PtrAsync(IPAddress.Parse(address));

        Assert.Equal("host.test", Assert.Single(answer.Records));
    }

    [Fact]
    public async Task A_name_that_does_not_exist_is_NotFound()
    {
        var answer = await _resolver.AddressesAsync("no-such-host.test", AddressFamily.InterNetwork);

        Assert.Equal(DnsStatus.NotFound, answer.Status);
        Assert.True(answer.IsVoid);
    }

    [Fact]
    public async Task A_name_without_records_of_the_type_is_Ok_with_none()
    {
        var answer = await _resolver.MxAsync("host.test");

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Empty(answer.Records);
    }

    [Fact]
    public async Task A_CNAME_the_server_followed_gives_the_target_s_records()
    {
        var answer = await _resolver.AddressesAsync("alias." + TestDnsServer.ChasedZone, AddressFamily.InterNetwork);

        Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.Single(answer.Records));
    }

    [Fact]
    public async Task A_CNAME_alone_is_no_record_of_the_asked_type()
    {
        var answer = await _resolver.AddressesAsync("alias.test", AddressFamily.InterNetwork);

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Empty(answer.Records);
    }

    [Fact]
    public async Task A_zone_whose_servers_do_not_answer_is_Failed()
    {
        var resolver = dns.Resolver(timeout: TimeSpan.FromSeconds(1), attempts: 1);

        var answer = await resolver.TxtAsync("anything." + TestDnsServer.TimeoutZone);

        Assert.Equal(DnsStatus.Failed, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Error));
    }

    [Fact]
    public async Task A_server_with_nothing_listening_is_Failed()
    {
        var nobody = new IPEndPoint(IPAddress.Loopback, FreePort.Dns());
        var resolver = dns.Resolver(nobody, TimeSpan.FromSeconds(1), attempts: 1);

        var answer = await resolver.AddressesAsync("host.test", AddressFamily.InterNetwork);

        Assert.Equal(DnsStatus.Failed, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Error));
    }

    [Fact]
    public async Task A_server_that_takes_the_question_and_never_answers_is_Failed()
    {
        using var silent = new SilentUdpPort();
        var resolver = dns.Resolver(silent.EndPoint, TimeSpan.FromSeconds(1), attempts: 1);

        var answer = await resolver.MxAsync("mail.test");

        Assert.Equal(DnsStatus.Failed, answer.Status);
    }

    [Theory]
    [InlineData("a..test")]
    [InlineData("a-label-of-sixty-four-characters-is-one-too-long-for-dns-rfc1035.test")]
    public async Task A_name_DNS_cannot_carry_is_Failed_not_thrown(string name)
    {
        var answer = await _resolver.TxtAsync(name);

        Assert.Equal(DnsStatus.Failed, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Error));
    }

    [Fact]
    public async Task A_cancelled_question_throws_OperationCanceledException()
    {
        using var silent = new SilentUdpPort();
        var resolver = dns.Resolver(silent.EndPoint, TimeSpan.FromSeconds(30), attempts: 1);
        using var cancel = new CancellationTokenSource();

        var asked = resolver.TxtAsync("host.test", cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asked);
    }

    [Fact]
    public async Task Identical_questions_asked_together_get_the_same_answer()
    {
        var resolver = dns.Resolver();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => resolver.TxtAsync("long.test").AsTask()));

        Assert.All(answers, answer => Assert.Equal(DnsZone.LongText, Assert.Single(answer.Records)));
    }
}
