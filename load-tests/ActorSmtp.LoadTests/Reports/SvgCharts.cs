using System.Globalization;
using System.Net;
using System.Text;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Reports;

/// Two small charts as inline SVG, so report.html needs no script and no network.
internal static class SvgCharts
{
    private const int Width = 720;
    private const int Height = 220;
    private const int Left = 56;
    private const int Bottom = 28;
    private const int Top = 12;

    /// Messages per second (and failures) over the run.
    public static string Throughput(IReadOnlyList<ThroughputBucket> buckets)
    {
        double max = Math.Max(1, buckets.Select(b => (double)Math.Max(b.Succeeded, b.Failed)).DefaultIfEmpty(0).Max());
        int seconds = Math.Max(1, buckets.Count - 1);
        var svg = Open("messages per second");
        Axes(svg, max, $"seconds (0–{buckets.Count})");
        Polyline(svg, buckets.Select(b => (b.Second / (double)seconds, b.Succeeded / max)), "#2b6cb0");
        if (buckets.Any(b => b.Failed > 0))
            Polyline(svg, buckets.Select(b => (b.Second / (double)seconds, b.Failed / max)), "#c53030");
        return svg.Append("</svg>").ToString();
    }

    /// Whole-message latency percentiles as bars, labelled with their values.
    public static string Percentiles(LatencySummary latency)
    {
        (string Label, double Ms)[] bars =
            [("p50", latency.P50), ("p75", latency.P75), ("p95", latency.P95), ("p99", latency.P99), ("p99.9", latency.P999), ("max", latency.Max)];
        double max = Math.Max(0.001, bars.Max(b => b.Ms));
        var svg = Open("whole-message latency, ms");
        Axes(svg, max, "percentile");
        double slot = (Width - Left - 10) / (double)bars.Length;
        for (int i = 0; i < bars.Length; i++)
        {
            double h = (Height - Top - Bottom) * bars[i].Ms / max;
            double x = Left + i * slot + slot * 0.2;
            double y = Height - Bottom - h;
            svg.Append(Invariant($"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.6:0.#}\" height=\"{h:0.#}\" fill=\"#2b6cb0\"/>"));
            svg.Append(Invariant($"<text x=\"{x + slot * 0.3:0.#}\" y=\"{y - 3:0.#}\" text-anchor=\"middle\">{bars[i].Ms:0.###}</text>"));
            svg.Append(Invariant($"<text x=\"{x + slot * 0.3:0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{bars[i].Label}</text>"));
        }
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string title) => new StringBuilder()
        .Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-size=\"11\" font-family=\"sans-serif\">"))
        .Append($"<title>{WebUtility.HtmlEncode(title)}</title>");

    private static void Axes(StringBuilder svg, double max, string xLabel)
    {
        int plotBottom = Height - Bottom;
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{plotBottom}\" stroke=\"#555\"/>"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{plotBottom}\" x2=\"{Width - 10}\" y2=\"{plotBottom}\" stroke=\"#555\"/>"));
        svg.Append(Invariant($"<text x=\"{Left - 4}\" y=\"{Top + 8}\" text-anchor=\"end\">{max:0.###}</text>"));
        svg.Append(Invariant($"<text x=\"{Left - 4}\" y=\"{plotBottom}\" text-anchor=\"end\">0</text>"));
        svg.Append(Invariant($"<text x=\"{(Left + Width) / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>"));
    }

    /// Points are fractions of the plot area: x from left to right, y from bottom to top.
    private static void Polyline(StringBuilder svg, IEnumerable<(double X, double Y)> points, string colour)
    {
        double plotWidth = Width - Left - 10, plotHeight = Height - Top - Bottom;
        var coordinates = points.Select(p => Invariant($"{Left + p.X * plotWidth:0.#},{Height - Bottom - p.Y * plotHeight:0.#}"));
        svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{string.Join(' ', coordinates)}\"/>");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
