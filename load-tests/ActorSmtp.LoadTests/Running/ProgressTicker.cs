using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Running;

/// Prints the live progress line once a second. It is also the one reader that drains
/// the latency recorders, so it runs for the whole scenario even when nothing is printed.
internal static class ProgressTicker
{
    public static async Task RunAsync(ScenarioRun run, TextWriter? output, CancellationToken finished)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(finished))
            {
                var lastSecond = run.Latencies.DrainInterval();
                var elapsed = run.Elapsed;
                int completedSecond = Math.Max(0, (int)elapsed.TotalSeconds - 1);
                output?.WriteLine(ProgressLine.Format(
                    run.Settings.Name, elapsed, run.RunningSessions,
                    run.Timeline.Bucket(completedSecond).Succeeded, run.Errors.Total, lastSecond));
            }
        }
        catch (OperationCanceledException)
        {
            // The scenario is over.
        }
    }
}
