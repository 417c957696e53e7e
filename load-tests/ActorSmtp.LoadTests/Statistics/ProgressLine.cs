using System.Globalization;

namespace ActorSmtp.LoadTests.Statistics;

/// The once-a-second status line; the latency figures cover only the last second.
internal static class ProgressLine
{
    public static string Format(
        string scenario, TimeSpan elapsed, int sessions, long succeededInSecond, long errorsSoFar, LatencySummary lastSecond) =>
        string.Create(CultureInfo.InvariantCulture,
            $"[{scenario} {elapsed.TotalSeconds,5:0}s] {succeededInSecond,7} msg/s  sessions {sessions,5}  errors {errorsSoFar,6}  " +
            $"p50 {lastSecond.P50,8:0.000} ms  p99 {lastSecond.P99,8:0.000} ms");
}
