using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Statistics;

public sealed class ThroughputTimelineTests
{
    [Fact]
    public void Completions_land_in_the_second_they_finished()
    {
        var timeline = new ThroughputTimeline(capacitySeconds: 10);
        timeline.RecordSuccess(TimeSpan.FromMilliseconds(10));
        timeline.RecordSuccess(TimeSpan.FromMilliseconds(999));
        timeline.RecordSuccess(TimeSpan.FromMilliseconds(1000));
        timeline.RecordFailure(TimeSpan.FromMilliseconds(2500));
        timeline.RecordSuccess(TimeSpan.FromMilliseconds(3999));

        Assert.Equal(
            [new(0, 2, 0), new(1, 1, 0), new(2, 0, 1), new(3, 1, 0)],
            timeline.Buckets());
    }

    [Fact]
    public void Late_completions_fall_into_the_last_bucket()
    {
        var timeline = new ThroughputTimeline(capacitySeconds: 3);
        timeline.RecordSuccess(TimeSpan.FromSeconds(60));

        Assert.Equal(new ThroughputBucket(2, 1, 0), timeline.Buckets()[^1]);
    }

    [Fact]
    public void A_run_without_completions_has_no_buckets() =>
        Assert.Empty(new ThroughputTimeline(5).Buckets());

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var timeline = new ThroughputTimeline(4);
        Parallel.For(0, 40_000, i => timeline.RecordSuccess(TimeSpan.FromMilliseconds(i % 4000)));

        Assert.All(timeline.Buckets(), b => Assert.Equal(10_000, b.Succeeded));
    }
}
