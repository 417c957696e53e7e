using System.Globalization;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Reports;

/// Number formats shared by every report, so the same figure reads the same everywhere.
internal static class ReportFormat
{
    public static string Ms(double milliseconds) => milliseconds.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string[] PercentileCells(LatencySummary s) =>
        [Ms(s.P50), Ms(s.P75), Ms(s.P95), Ms(s.P99), Ms(s.P999), Ms(s.Max), Ms(s.Mean)];

    public static readonly string[] PercentileHeaders = ["p50", "p75", "p95", "p99", "p99.9", "max", "mean"];

    /// Min, median and max of the per-second rates (the first and last, partial, seconds included).
    public static (double Min, double Median, double Max) PerSecondSpread(IReadOnlyList<ThroughputBucket> buckets)
    {
        if (buckets.Count == 0)
            return (0, 0, 0);
        var sorted = buckets.Select(b => (double)b.Succeeded).Order().ToArray();
        double median = sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return (sorted[0], median, sorted[^1]);
    }
}
