using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Tests.Scenarios;

public sealed class LoadPlanTests
{
    [Theory]
    [InlineData("keep:16:30s")]
    [InlineData("ramp:1:64:20s")]
    [InlineData("inject:500:1m")]
    [InlineData("inject:0.5:250ms")]
    public void Simulations_print_back_as_parsed(string text)
    {
        var expected = text.Replace("1m", "60s", StringComparison.Ordinal);
        Assert.Equal(expected, LoadSimulation.Parse(text).ToString());
    }

    [Theory]
    [InlineData("keep:16")]
    [InlineData("hold:16:30s")]
    [InlineData("keep:16:0s")]
    [InlineData("inject:0:10s")]
    [InlineData("ramp:a:4:10s")]
    public void Malformed_simulations_are_refused(string text) =>
        Assert.Throws<FormatException>(() => LoadSimulation.Parse(text));

    [Fact]
    public void A_ramp_then_keep_moves_linearly_then_holds_then_stops()
    {
        var plan = new LoadPlan([LoadSimulation.Parse("ramp:0:10:10s"), LoadSimulation.Parse("keep:10:5s")]);

        Assert.Equal(TimeSpan.FromSeconds(15), plan.Duration);
        Assert.Equal(10, plan.PeakSessions);
        Assert.Equal(0, plan.SessionsAt(TimeSpan.Zero));
        Assert.Equal(5, plan.SessionsAt(TimeSpan.FromSeconds(5)));
        Assert.Equal(10, plan.SessionsAt(TimeSpan.FromSeconds(12)));
        Assert.Equal(0, plan.SessionsAt(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void Inject_phases_give_their_rate_in_turn()
    {
        var plan = new LoadPlan([LoadSimulation.Parse("inject:100:2s"), LoadSimulation.Parse("inject:300:1s")]);

        Assert.True(plan.IsOpenModel);
        Assert.Equal(100, plan.RateAt(TimeSpan.FromSeconds(1.9)));
        Assert.Equal(300, plan.RateAt(TimeSpan.FromSeconds(2)));
        Assert.Equal(0, plan.RateAt(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Open_and_closed_phases_do_not_mix() =>
        Assert.Throws<ArgumentException>(() =>
            new LoadPlan([LoadSimulation.Parse("keep:1:1s"), LoadSimulation.Parse("inject:10:1s")]));
}
