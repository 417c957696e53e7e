using System.Net;
using ActorSmtp.Policies.Http;
using Xunit;

namespace ActorSmtp.Policies.Tests.Http;

public sealed class VerdictCacheTests
{
    /// <summary>A clock the test moves.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now;

        public void Advance(TimeSpan by) => Now += by.Ticks;
    }

    private static readonly PolicyProtocol.Verdict Rejected = new PolicyProtocol.Reject(550, "5.1.1", "no");

    [Fact]
    public void A_verdict_answers_until_its_ttl_is_over()
    {
        var clock = new ManualClock();
        var cache = new VerdictCache(TimeSpan.FromSeconds(30), clock);
        cache.Add("k", Rejected);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet("k", out var verdict));
        Assert.Same(Rejected, verdict);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count); // an expired entry goes when it is met
    }

    [Fact]
    public void When_full_the_oldest_entry_goes()
    {
        var cache = new VerdictCache(TimeSpan.FromMinutes(1), new ManualClock(), capacity: 3);
        foreach (var key in new[] { "a", "b", "c", "a", "d" }) // "a" again: now newer than "b"
            cache.Add(key, PolicyProtocol.Accept.Instance);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.True(cache.TryGet("d", out _));
    }

    [Fact]
    public void The_key_is_the_stage_and_the_value_checked_and_at_connect_and_helo_the_client()
    {
        PolicyProtocol.Check Check(PolicyStage stage, string client, string? helo = null, string? from = null, string? rcpt = null) =>
            new(1, stage, IPEndPoint.Parse(client), IPEndPoint.Parse("127.0.0.1:25"), helo, from, Recipient: rcpt);

        Assert.Equal(VerdictCache.KeyOf(Check(PolicyStage.RcptTo, "10.0.0.1:1000", rcpt: "a@x")),
            VerdictCache.KeyOf(Check(PolicyStage.RcptTo, "10.0.0.2:2000", rcpt: "a@x")));
        Assert.NotEqual(VerdictCache.KeyOf(Check(PolicyStage.Helo, "10.0.0.1:1000", helo: "h")),
            VerdictCache.KeyOf(Check(PolicyStage.Helo, "10.0.0.2:1000", helo: "h")));
        Assert.Equal(VerdictCache.KeyOf(Check(PolicyStage.Connect, "10.0.0.1:1000")),
            VerdictCache.KeyOf(Check(PolicyStage.Connect, "10.0.0.1:2000")));
        Assert.NotEqual(VerdictCache.KeyOf(Check(PolicyStage.MailFrom, "10.0.0.1:1", from: "a@x")),
            VerdictCache.KeyOf(Check(PolicyStage.RcptTo, "10.0.0.1:1", from: "a@x", rcpt: "a@x")));
    }
}
