using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Running;

/// Runs one scenario to completion and returns what was measured.
internal static class ScenarioRunner
{
    public static async Task<ScenarioResult> RunAsync(ScenarioSettings settings, TextWriter? progress, CancellationToken cancel)
    {
        using var run = new ScenarioRun(settings, cancel);
        using var finished = new CancellationTokenSource();
        var ticker = ProgressTicker.RunAsync(run, progress, finished.Token);

        await (settings.Load.IsOpenModel ? OpenModelDriver.RunAsync(run) : ClosedModelDriver.RunAsync(run));
        var elapsed = run.Elapsed;

        await finished.CancelAsync();
        await ticker;
        return run.ToResult(elapsed);
    }
}
