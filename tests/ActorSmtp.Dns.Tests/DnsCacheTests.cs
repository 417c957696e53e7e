using ActorSmtp.Dns.Caching;
using DnsClient;
using Xunit;

namespace ActorSmtp.Dns.Tests;

/// <summary>The cache alone: expiry, the bound, and what is dropped first when it is full.</summary>
public sealed class DnsCacheTests
{
    private readonly ManualClock _clock = new();

    private static DnsCacheKey Key(string name) => new(name, QueryType.A);

    private DnsCache Cache(int maxEntries) => new(new DnsCacheSettings(maxEntries, TimeSpan.Zero, TimeSpan.FromHours(1)), _clock);

    [Fact]
    public void An_entry_lives_until_its_TTL_is_over()
    {
        var cache = Cache(10);
        cache.Put(Key("a"), "answer", TimeSpan.FromSeconds(10));

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True(cache.TryGet(Key("a"), out var answer));
        Assert.Equal("answer", answer);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(Key("a"), out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_zero_TTL_keeps_nothing()
    {
        var cache = Cache(10);

        cache.Put(Key("a"), "answer", TimeSpan.Zero);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Full_it_drops_the_expired_before_the_oldest()
    {
        var cache = Cache(2);
        cache.Put(Key("old-but-long"), "1", TimeSpan.FromHours(1));
        cache.Put(Key("young-but-short"), "2", TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(2));

        cache.Put(Key("new"), "3", TimeSpan.FromHours(1));

        Assert.True(cache.TryGet(Key("old-but-long"), out _));
        Assert.True(cache.TryGet(Key("new"), out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Rewriting_a_key_does_not_count_twice_nor_lose_the_new_answer_to_the_old_one_s_eviction()
    {
        var cache = Cache(2);
        cache.Put(Key("a"), "1", TimeSpan.FromHours(1));
        cache.Put(Key("b"), "2", TimeSpan.FromHours(1));
        cache.Put(Key("a"), "1 again", TimeSpan.FromHours(1));

        cache.Put(Key("c"), "3", TimeSpan.FromHours(1)); // full: the oldest write was a's first, which is stale

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(Key("a"), out var a));
        Assert.Equal("1 again", a);
    }

    [Fact]
    public void Many_writes_of_few_keys_stay_within_the_bound()
    {
        var cache = Cache(3);

        for (var i = 0; i < 1000; i++)
            cache.Put(Key($"k{i % 5}"), i, TimeSpan.FromHours(1));

        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Concurrent_writers_and_readers_keep_the_bound()
    {
        var cache = Cache(50);

        Parallel.For(0, 20_000, i =>
        {
            cache.Put(Key($"k{i % 500}"), i, TimeSpan.FromSeconds(1 + i % 3));
            cache.TryGet(Key($"k{(i * 7) % 500}"), out _);
        });

        Assert.InRange(cache.Count, 1, 50);
    }
}
