using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Statistics;

public sealed class ThresholdsTests
{
    [Fact]
    public void No_limits_means_nothing_to_break() =>
        Assert.Empty(Thresholds.None.Evaluate(messagesPerSecond: 1, p99Ms: 1e6, errorRate: 1));

    [Fact]
    public void Each_limit_is_checked_and_limits_themselves_pass()
    {
        var thresholds = new Thresholds(MinRps: 1000, MaxP99Ms: 20, MaxErrorRate: 0.01);

        Assert.All(thresholds.Evaluate(1000, 20, 0.01), o => Assert.True(o.Passed));

        var broken = thresholds.Evaluate(999, 20.5, 0.02);
        Assert.Equal(["min-rps", "max-p99-ms", "max-error-rate"], broken.Select(o => o.Name));
        Assert.All(broken, o => Assert.False(o.Passed));
        Assert.Equal("min-rps: 999 (limit 1000) BROKEN", broken[0].ToString());
    }

    [Fact]
    public void Command_line_limits_override_the_file_and_keep_the_rest()
    {
        var file = new Thresholds(MinRps: 100, MaxP99Ms: 50);

        var merged = file.OverriddenBy(new Thresholds(MaxP99Ms: 10, MaxErrorRate: 0));

        Assert.Equal(new Thresholds(100, 10, 0), merged);
    }
}
