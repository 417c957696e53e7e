using ActorSmtp.LoadTests.Reports;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Reports;

public sealed class ReportTests
{
    [Fact]
    public void Result_arithmetic()
    {
        var scenario = SampleRun.Create().Scenarios[0];

        Assert.Equal(4, scenario.Failed);
        Assert.Equal(999, scenario.MessagesPerSecond);
        Assert.Equal(0.001, scenario.ErrorRate, tolerance: 1e-12);
    }

    [Fact]
    public void Markdown_carries_the_numbers_and_the_verdict()
    {
        var md = MarkdownReport.Render(SampleRun.Create());

        Assert.Contains("**PASSED**", md);
        Assert.Contains("## Scenario `steady-16`", md);
        Assert.Contains("| 3996 | 4 | 0.10 % | 999.0 | 4.00 |", md);
        Assert.Contains("| whole message | 4000 | 1.250 | 1.500 | 2.750 | 12.500 | 40.125 | 55.500 | 1.875 |", md);
        Assert.Contains("| 451 | 3 | 451 4.3.0 sink busy, try later |", md);
        Assert.Contains("min 900, median 998, max 1100", md);
        Assert.Contains("None set.", md);
    }

    [Fact]
    public void Broken_thresholds_fail_the_run_and_are_named()
    {
        var report = SampleRun.Create(new Thresholds(MinRps: 1000, MaxP99Ms: 20));

        Assert.False(report.Passed);
        var broken = Assert.Single(report.BrokenThresholds);
        Assert.Equal("min-rps", broken.Outcome.Name);

        var md = MarkdownReport.Render(report);
        Assert.Contains("**FAILED**", md);
        Assert.Contains("steady-16: min-rps: 999 (limit 1000) BROKEN", md);
        Assert.Contains("| max-p99-ms | 20 | 12.5 | ok |", md);
    }

    [Fact]
    public void Csv_tables_have_one_row_per_item()
    {
        var csv = CsvReport.Render(SampleRun.Create(new Thresholds(MaxErrorRate: 0.01)));

        Assert.Equal("scenario,succeeded,failed,error_rate,msg_per_s,duration_s,passed\nsteady-16,3996,4,0.001,999.0,4.00,true\n", csv["summary.csv"]);
        Assert.Contains("steady-16,message,4000,1.250,1.500,2.750,12.500,40.125,55.500,1.875\n", csv["latency.csv"]);
        Assert.Contains("steady-16,1,1100,2\n", csv["throughput.csv"]);
        Assert.Equal(5, csv["throughput.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("steady-16,451,3,\"451 4.3.0 sink busy, try later\"\n", csv["errors.csv"]);
        Assert.Contains("steady-16,max-error-rate,0.01,0.001,true\n", csv["thresholds.csv"]);
    }

    [Fact]
    public void Html_is_self_contained_with_charts_and_the_same_numbers()
    {
        var html = HtmlReport.Render(SampleRun.Create(new Thresholds(MinRps: 5000)));

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
        Assert.Equal(2, html.Split("<svg").Length - 1);
        Assert.Contains("<polyline", html);
        Assert.Contains("<td>12.500</td>", html);
        Assert.Contains("<td>999.0</td>", html);
        Assert.Contains("FAILED", html);
        Assert.Contains("min-rps: 999 (limit 5000) BROKEN", html);
    }

    [Fact]
    public void Report_folder_holds_every_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "actorsmtp-load-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            ReportFolder.Write(SampleRun.Create(), folder);

            Assert.Equal(
                ["errors.csv", "latency.csv", "report.html", "report.md", "summary.csv", "thresholds.csv", "throughput.csv"],
                Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Progress_line_shows_rate_errors_and_percentiles()
    {
        var line = ProgressLine.Format("steady", TimeSpan.FromSeconds(12.4), 16, 8123, 2,
            new LatencySummary(8123, 1.2, 1.5, 2, 4.5, 9, 10, 1.3));

        Assert.Equal("[steady    12s]    8123 msg/s  sessions    16  errors      2  p50    1.200 ms  p99    4.500 ms", line);
    }
}
