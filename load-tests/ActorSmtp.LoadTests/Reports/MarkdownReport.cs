using System.Text;
using ActorSmtp.LoadTests.Statistics;
using static ActorSmtp.LoadTests.Reports.ReportFormat;

namespace ActorSmtp.LoadTests.Reports;

/// The human summary (report.md): verdict first, then one section per scenario.
internal static class MarkdownReport
{
    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("# ActorSmtp load test").AppendLine();
        md.AppendLine($"- started: {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        md.AppendLine($"- command: `{report.CommandLine}`");
        md.AppendLine($"- verdict: **{(report.Passed ? "PASSED" : "FAILED")}**");
        foreach (var (scenario, outcome) in report.BrokenThresholds)
            md.AppendLine($"  - {scenario.Settings.Name}: {outcome}");
        foreach (var scenario in report.Scenarios)
            AppendScenario(md, scenario);
        return md.ToString();
    }

    private static void AppendScenario(StringBuilder md, ScenarioResult s)
    {
        md.AppendLine().AppendLine($"## Scenario `{s.Settings.Name}`").AppendLine();
        md.AppendLine($"{s.Settings.Describe()} · target {s.Settings.Target}").AppendLine();
        Table(md, ["messages ok", "failed", "error rate", "msg/s", "duration s"],
            [[s.Succeeded.ToString(), s.Failed.ToString(), Percent(s.ErrorRate), Rate(s.MessagesPerSecond), Seconds(s.Elapsed)]]);

        md.AppendLine().AppendLine("### Latency (ms)").AppendLine();
        Table(md, ["step", "count", .. PercentileHeaders],
            StepNames.All.Select(step => (string[])[step.Label(), s.Latencies[step].Count.ToString(), .. PercentileCells(s.Latencies[step])]));

        var (min, median, max) = PerSecondSpread(s.Throughput);
        md.AppendLine().AppendLine("### Throughput").AppendLine();
        md.AppendLine($"Messages per second over {s.Throughput.Count} one-second buckets: min {Number(min)}, " +
                      $"median {Number(median)}, max {Number(max)}. Every second is in throughput.csv and report.html.");

        md.AppendLine().AppendLine("### Errors").AppendLine();
        if (s.Errors.Count == 0)
            md.AppendLine("None.");
        else
            Table(md, ["kind", "count", "first sample"], s.Errors.Select(e => (string[])[e.Kind, e.Count.ToString(), Cell(e.Sample)]));

        md.AppendLine().AppendLine("### Thresholds").AppendLine();
        if (s.ThresholdOutcomes.Count == 0)
            md.AppendLine("None set.");
        else
            Table(md, ["check", "limit", "actual", "result"], s.ThresholdOutcomes.Select(t =>
                (string[])[t.Name, Number(t.Limit), Number(t.Actual), t.Passed ? "ok" : "**BROKEN**"]));
    }

    private static void Table(StringBuilder md, string[] headers, IEnumerable<string[]> rows)
    {
        md.AppendLine($"| {string.Join(" | ", headers)} |");
        md.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---:|", headers.Length - 1))}");
        foreach (var row in rows)
            md.AppendLine($"| {string.Join(" | ", row)} |");
    }

    private static string Cell(string? text) =>
        (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
