using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Reports;

/// A run with round, recognisable numbers for the report writers to print.
internal static class SampleRun
{
    public static RunReport Create(Thresholds? thresholds = null)
    {
        var settings = new ScenarioSettings
        {
            Name = "steady-16",
            Target = LoopbackTarget.Parse("127.0.0.1:2525"),
            Load = new LoadPlan([LoadSimulation.Parse("keep:16:4s")]),
            Thresholds = thresholds ?? Thresholds.None,
        };
        var latencies = StepNames.All.ToDictionary(s => s, s => s == Step.Message
            ? new LatencySummary(4000, 1.25, 1.5, 2.75, 12.5, 40.125, 55.5, 1.875)
            : LatencySummary.Empty);
        ThroughputBucket[] throughput = [new(0, 900, 0), new(1, 1100, 2), new(2, 1000, 0), new(3, 996, 2)];
        ErrorCount[] errors = [new("451", 3, "451 4.3.0 sink busy, try later"), new("timeout", 1, "The operation was canceled.")];
        return new RunReport(
            new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
            "run --load keep:16:4s",
            [new ScenarioResult(settings, TimeSpan.FromSeconds(4), 3996, latencies, throughput, errors)]);
    }
}
