using System.Net;
using ActorSmtp.MessageAuthentication.Dnsbl;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Dnsbl;

/// <summary>Blocklist lookups against a real DNS server (unbound) serving the lists.</summary>
public sealed class DnsblCheckerTests(DnsblFixture fixture) : IClassFixture<DnsblFixture>
{
    private const string Reply = "554 5.7.1 Service unavailable; client [{ip}] blocked using {zone}";
    private static readonly DnsblZone Bl = new("bl.test", Reply);
    private static readonly DnsblZone Bl2 = new("bl2.test.", "554 5.7.1 {zone} lists {ip}", Weight: 2);
    private static readonly DnsblZone Slow = new("bl." + TestDnsServer.TimeoutZone, Reply, Weight: 5);

    private Task<DnsblCheck> CheckAsync(string client, int threshold, params DnsblZone[] zones) =>
        new DnsblChecker(fixture.Dns, zones, threshold).CheckAsync(IPAddress.Parse(client), CancellationToken.None).AsTask();

    [Fact]
    public async Task A_listed_IPv4_address_is_blocked_with_the_zone_s_answer()
    {
        var check = await CheckAsync("127.0.0.2", 1, Bl);

        Assert.True(check.Blocked);
        Assert.Equal(1, check.Score);
        Assert.Equal(new DnsblListing("bl.test", "127.0.0.2", 1), Assert.Single(check.Listings));
        Assert.Null(check.TempErrors);
    }

    [Fact]
    public async Task An_IPv4_mapped_IPv6_client_is_looked_up_as_its_IPv4_address()
    {
        var check = await CheckAsync("::ffff:127.0.0.2", 1, Bl);

        Assert.True(check.Blocked);
    }

    [Fact]
    public async Task A_listed_IPv6_address_is_looked_up_by_its_reversed_nibbles()
    {
        var check = await CheckAsync("2001:db8::2", 1, Bl);

        Assert.True(check.Blocked);
        Assert.Equal("127.0.0.2", Assert.Single(check.Listings).Answer);
    }

    [Theory]
    [InlineData("127.0.0.1")] // RFC 5782 §5: never listed
    [InlineData("2001:db8::3")]
    [InlineData("192.0.2.30")] // an answer outside 127.0.0.0/8 is no listing (RFC 5782 §2.3)
    public async Task An_address_not_listed_is_not_blocked(string client)
    {
        var check = await CheckAsync(client, 1, Bl, Bl2);

        Assert.False(check.Blocked);
        Assert.Equal(0, check.Score);
        Assert.Empty(check.Listings);
        Assert.Null(check.TempErrors);
    }

    [Fact]
    public async Task Listed_in_one_list_of_two_scores_below_the_threshold_and_passes()
    {
        var check = await CheckAsync("192.0.2.11", 3, Bl, Bl2);

        Assert.False(check.Blocked);
        Assert.Equal(1, check.Score);
    }

    [Fact]
    public async Task Listed_in_both_reaches_the_threshold_and_is_blocked()
    {
        var check = await CheckAsync("192.0.2.10", 3, Bl, Bl2);

        Assert.True(check.Blocked);
        Assert.Equal(3, check.Score);
        Assert.Equal(["bl.test", "bl2.test"], check.Listings.Select(listing => listing.Zone));
    }

    [Fact]
    public async Task A_zone_that_times_out_is_a_temperror_and_does_not_block()
    {
        var check = await CheckAsync("127.0.0.2", 1, Slow);

        Assert.False(check.Blocked);
        Assert.Equal(0, check.Score);
        Assert.Equal(["bl." + TestDnsServer.TimeoutZone], check.TempErrors!);
    }

    [Fact]
    public async Task A_zone_that_times_out_leaves_the_others_scoring()
    {
        var check = await CheckAsync("192.0.2.10", 3, Slow, Bl, Bl2);

        Assert.True(check.Blocked);
        Assert.Equal(3, check.Score);
        Assert.Single(check.TempErrors!);
    }

    [Fact]
    public async Task A_list_s_refusal_to_answer_is_a_temperror_not_a_listing()
    {
        var check = await CheckAsync("192.0.2.20", 1, Bl);

        Assert.False(check.Blocked);
        Assert.Equal(["bl.test"], check.TempErrors!);
    }

    [Fact]
    public async Task The_reply_is_the_first_listing_zone_s_with_ip_and_zone_filled_in()
    {
        var checker = new DnsblChecker(fixture.Dns, [Bl2, Bl], 1);
        var client = IPAddress.Parse("::ffff:192.0.2.10");

        var check = await checker.CheckAsync(client, CancellationToken.None);

        Assert.Equal("554 5.7.1 bl2.test lists 192.0.2.10", checker.ReplyFor(check, client));
        var onlyBl = await checker.CheckAsync(IPAddress.Parse("192.0.2.11"), CancellationToken.None);
        Assert.Equal("554 5.7.1 Service unavailable; client [192.0.2.11] blocked using bl.test", checker.ReplyFor(onlyBl, IPAddress.Parse("192.0.2.11")));
    }

    [Fact]
    public void A_threshold_below_1_or_a_zone_without_a_name_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsblChecker(fixture.Dns, [Bl], 0));
        Assert.Throws<ArgumentException>(() => new DnsblChecker(fixture.Dns, [new DnsblZone(" ", Reply)]));
    }

    [Fact]
    public async Task No_zones_is_no_listing()
    {
        var check = await CheckAsync("127.0.0.2", 1);

        Assert.Equal(new DnsblCheck(false, 0, check.Listings), check);
        Assert.Empty(check.Listings);
    }

    [Fact]
    public async Task A_cancelled_check_throws_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var checking = new DnsblChecker(fixture.Dns, [Slow]).CheckAsync(IPAddress.Parse("192.0.2.77"), cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checking);
    }
}
