using System.Globalization;

namespace ActorSmtp.LoadTests.Statistics;

/// Pass/fail limits for a scenario (NBomber's thresholds); a null limit is not checked.
internal sealed record Thresholds(double? MinRps = null, double? MaxP99Ms = null, double? MaxErrorRate = null)
{
    public static readonly Thresholds None = new();

    /// Limits set in <paramref name="overrides"/> win; the others stay.
    public Thresholds OverriddenBy(Thresholds overrides) => new(
        overrides.MinRps ?? MinRps,
        overrides.MaxP99Ms ?? MaxP99Ms,
        overrides.MaxErrorRate ?? MaxErrorRate);

    public IReadOnlyList<ThresholdOutcome> Evaluate(double messagesPerSecond, double p99Ms, double errorRate)
    {
        var outcomes = new List<ThresholdOutcome>(3);
        if (MinRps is { } minRps)
            outcomes.Add(new("min-rps", minRps, messagesPerSecond, messagesPerSecond >= minRps));
        if (MaxP99Ms is { } maxP99)
            outcomes.Add(new("max-p99-ms", maxP99, p99Ms, p99Ms <= maxP99));
        if (MaxErrorRate is { } maxErrorRate)
            outcomes.Add(new("max-error-rate", maxErrorRate, errorRate, errorRate <= maxErrorRate));
        return outcomes;
    }
}

internal sealed record ThresholdOutcome(string Name, double Limit, double Actual, bool Passed)
{
    /// E.g. "min-rps: 812.40 (limit 1000) BROKEN".
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Actual:0.####} (limit {Limit:0.####}) {(Passed ? "ok" : "BROKEN")}");
}
