using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Statistics;

public sealed class StepLatenciesTests
{
    [Fact]
    public void Percentiles_of_one_to_a_thousand_milliseconds()
    {
        var latencies = new StepLatencies();
        for (int ms = 1; ms <= 1000; ms++)
            latencies.Record(Step.Message, ms * 1000L);

        var message = latencies.Totals()[Step.Message];

        Assert.Equal(1000, message.Count);
        // HdrHistogram at 3 significant digits: values are exact to within 0.1 %.
        Assert.Equal(500, message.P50, tolerance: 0.5);
        Assert.Equal(750, message.P75, tolerance: 0.75);
        Assert.Equal(950, message.P95, tolerance: 0.95);
        Assert.Equal(990, message.P99, tolerance: 0.99);
        Assert.Equal(999, message.P999, tolerance: 1);
        Assert.Equal(1000, message.Max, tolerance: 1);
        Assert.Equal(500.5, message.Mean, tolerance: 0.5);
    }

    [Fact]
    public void Steps_are_kept_apart_and_an_unused_step_is_empty()
    {
        var latencies = new StepLatencies();
        latencies.Record(Step.Ehlo, 200);
        latencies.Record(Step.Ehlo, 400);

        var totals = latencies.Totals();

        Assert.Equal(2, totals[Step.Ehlo].Count);
        Assert.Equal(0.4, totals[Step.Ehlo].Max, tolerance: 0.001);
        Assert.Same(LatencySummary.Empty, totals[Step.DataReply]);
    }

    [Fact]
    public void An_interval_covers_only_what_came_after_the_previous_drain_but_totals_keep_everything()
    {
        var latencies = new StepLatencies();
        latencies.Record(Step.Message, 1_000);
        latencies.DrainInterval();
        latencies.Record(Step.Message, 9_000);

        var interval = latencies.DrainInterval();

        Assert.Equal(1, interval.Count);
        Assert.Equal(9, interval.P50, tolerance: 0.01);
        Assert.Equal(2, latencies.Totals()[Step.Message].Count);
    }

    [Fact]
    public void Values_outside_the_range_are_clamped_rather_than_thrown()
    {
        var latencies = new StepLatencies();
        latencies.Record(Step.Message, 0);
        latencies.Record(Step.Message, long.MaxValue);

        Assert.Equal(2, latencies.Totals()[Step.Message].Count);
    }
}
