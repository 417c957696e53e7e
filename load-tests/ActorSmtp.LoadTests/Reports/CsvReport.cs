using System.Text;
using ActorSmtp.LoadTests.Statistics;
using static ActorSmtp.LoadTests.Reports.ReportFormat;

namespace ActorSmtp.LoadTests.Reports;

/// Machine-readable results, one file per table, one row per scenario and item (RFC 4180 quoting).
internal static class CsvReport
{
    public static IReadOnlyDictionary<string, string> Render(RunReport report) => new Dictionary<string, string>
    {
        ["summary.csv"] = Csv(["scenario", "succeeded", "failed", "error_rate", "msg_per_s", "duration_s", "passed"],
            report.Scenarios.Select(s => (string[])[s.Settings.Name, s.Succeeded.ToString(), s.Failed.ToString(),
                Number(s.ErrorRate), Rate(s.MessagesPerSecond), Seconds(s.Elapsed), s.Passed ? "true" : "false"])),
        ["latency.csv"] = Csv(["scenario", "step", "count", "p50_ms", "p75_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms"],
            report.Scenarios.SelectMany(s => StepNames.All.Select(step =>
                (string[])[s.Settings.Name, step.Key(), s.Latencies[step].Count.ToString(), .. PercentileCells(s.Latencies[step])]))),
        ["throughput.csv"] = Csv(["scenario", "second", "succeeded", "failed"],
            report.Scenarios.SelectMany(s => s.Throughput.Select(b =>
                (string[])[s.Settings.Name, b.Second.ToString(), b.Succeeded.ToString(), b.Failed.ToString()]))),
        ["errors.csv"] = Csv(["scenario", "kind", "count", "sample"],
            report.Scenarios.SelectMany(s => s.Errors.Select(e =>
                (string[])[s.Settings.Name, e.Kind, e.Count.ToString(), e.Sample ?? ""]))),
        ["thresholds.csv"] = Csv(["scenario", "check", "limit", "actual", "passed"],
            report.Scenarios.SelectMany(s => s.ThresholdOutcomes.Select(t =>
                (string[])[s.Settings.Name, t.Name, Number(t.Limit), Number(t.Actual), t.Passed ? "true" : "false"]))),
    };

    private static string Csv(string[] headers, IEnumerable<string[]> rows)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', headers).Append('\n');
        foreach (var row in rows)
            csv.AppendJoin(',', row.Select(Field)).Append('\n');
        return csv.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
