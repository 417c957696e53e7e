using System.Net;
using System.Text;
using ActorSmtp.LoadTests.Statistics;
using static ActorSmtp.LoadTests.Reports.ReportFormat;

namespace ActorSmtp.LoadTests.Reports;

/// report.html: one self-contained page (inline CSS and SVG) with the same numbers as report.md.
internal static class HtmlReport
{
    private const string Style =
        "body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}" +
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
        "td:first-child,th:first-child{text-align:left}.passed{color:#276749}.failed{color:#c53030}";

    public static string Render(RunReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ActorSmtp load test</title>")
            .Append("<style>").Append(Style).Append("</style></head><body>");
        html.Append("<h1>ActorSmtp load test</h1>");
        html.Append($"<p>started {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC · <code>{E(report.CommandLine)}</code></p>");
        html.Append(report.Passed
            ? "<p class=\"passed\"><b>PASSED</b></p>"
            : "<p class=\"failed\"><b>FAILED</b></p><ul>" + string.Concat(report.BrokenThresholds.Select(b =>
                $"<li>{E(b.Scenario.Settings.Name)}: {E(b.Outcome.ToString())}</li>")) + "</ul>");
        foreach (var scenario in report.Scenarios)
            AppendScenario(html, scenario);
        return html.Append("</body></html>\n").ToString();
    }

    private static void AppendScenario(StringBuilder html, ScenarioResult s)
    {
        html.Append($"<h2>{E(s.Settings.Name)}</h2><p>{E(s.Settings.Describe())} · target {E(s.Settings.Target.ToString())}</p>");
        Table(html, ["messages ok", "failed", "error rate", "msg/s", "duration s"],
            [[s.Succeeded.ToString(), s.Failed.ToString(), Percent(s.ErrorRate), Rate(s.MessagesPerSecond), Seconds(s.Elapsed)]]);
        html.Append("<h3>Throughput per second</h3>").Append(SvgCharts.Throughput(s.Throughput));
        html.Append("<h3>Latency (ms)</h3>").Append(SvgCharts.Percentiles(s.Latencies[Step.Message]));
        Table(html, ["step", "count", .. PercentileHeaders],
            StepNames.All.Select(step => (string[])[step.Label(), s.Latencies[step].Count.ToString(), .. PercentileCells(s.Latencies[step])]));
        html.Append("<h3>Errors</h3>");
        if (s.Errors.Count == 0)
            html.Append("<p>None.</p>");
        else
            Table(html, ["kind", "count", "first sample"], s.Errors.Select(e => (string[])[e.Kind, e.Count.ToString(), e.Sample ?? ""]));
        html.Append("<h3>Thresholds</h3>");
        if (s.ThresholdOutcomes.Count == 0)
            html.Append("<p>None set.</p>");
        else
            Table(html, ["check", "limit", "actual", "result"], s.ThresholdOutcomes.Select(t =>
                (string[])[t.Name, Number(t.Limit), Number(t.Actual), t.Passed ? "ok" : "BROKEN"]));
    }

    private static void Table(StringBuilder html, string[] headers, IEnumerable<string[]> rows)
    {
        html.Append("<table><tr>").AppendJoin("", headers.Select(h => $"<th>{E(h)}</th>")).Append("</tr>");
        foreach (var row in rows)
            html.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{E(c)}</td>")).Append("</tr>");
        html.Append("</table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
