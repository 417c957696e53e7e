using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Statistics;

/// Everything measured for one scenario; plain data, read by the report writers.
internal sealed record ScenarioResult(
    ScenarioSettings Settings,
    TimeSpan Elapsed,
    long Succeeded,
    IReadOnlyDictionary<Step, LatencySummary> Latencies,
    IReadOnlyList<ThroughputBucket> Throughput,
    IReadOnlyList<ErrorCount> Errors)
{
    public long Failed => Errors.Sum(e => e.Count);

    public double MessagesPerSecond => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;

    public double ErrorRate => Succeeded + Failed == 0 ? 0 : Failed / (double)(Succeeded + Failed);

    public IReadOnlyList<ThresholdOutcome> ThresholdOutcomes =>
        Settings.Thresholds.Evaluate(MessagesPerSecond, Latencies[Step.Message].P99, ErrorRate);

    public bool Passed => ThresholdOutcomes.All(t => t.Passed);
}

/// One invocation of the generator: all scenarios, run one after another.
internal sealed record RunReport(DateTimeOffset StartedAt, string CommandLine, IReadOnlyList<ScenarioResult> Scenarios)
{
    public bool Passed => Scenarios.All(s => s.Passed);

    public IEnumerable<(ScenarioResult Scenario, ThresholdOutcome Outcome)> BrokenThresholds =>
        Scenarios.SelectMany(s => s.ThresholdOutcomes.Where(t => !t.Passed).Select(t => (s, t)));
}
