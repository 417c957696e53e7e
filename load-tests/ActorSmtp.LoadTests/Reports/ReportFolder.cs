using System.Text;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Reports;

/// Writes every report of a run into one folder: report.md, report.html and the CSV tables.
internal static class ReportFolder
{
    public static void Write(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        File.WriteAllText(Path.Combine(directory, "report.md"), MarkdownReport.Render(report), utf8);
        File.WriteAllText(Path.Combine(directory, "report.html"), HtmlReport.Render(report), utf8);
        foreach (var (name, content) in CsvReport.Render(report))
            File.WriteAllText(Path.Combine(directory, name), content, utf8);
    }
}
