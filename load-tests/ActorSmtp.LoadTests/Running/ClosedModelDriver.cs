using System.Runtime.CompilerServices;
namespace ActorSmtp.LoadTests.Running;

/// keep/ramp: a target number of sessions, each sending back to back. A controller re-reads
/// the plan every 100 ms; a session whose index falls outside the target finishes its current
/// message and leaves, and a new one starts when the target grows again.
internal static class ClosedModelDriver
{
    private static readonly TimeSpan ControlInterval = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(ScenarioRun run)
    {
        var plan = run.Settings.Load;
        var sessions = new Task?[plan.PeakSessions];
        var target = new StrongBox<int>();
        while (run.MayStartMessage)
        {
            target.Value = plan.SessionsAt(run.Elapsed);
            for (int i = 0; i < target.Value; i++)
            {
                if (sessions[i] is null || sessions[i]!.IsCompleted)
                {
                    int index = i;
                    sessions[i] = Task.Run(() => RunSessionAsync(run, index, target));
                }
            }
            await Task.WhenAny(Task.Delay(ControlInterval, run.StopStarting)); // wakes early, never throws
        }
        target.Value = 0;
        await Task.WhenAll(sessions.Where(s => s is not null)!);
    }

    private static async Task RunSessionAsync(ScenarioRun run, int index, StrongBox<int> target)
    {
        await using var session = new LoadSession(run, index);
        while (index < Volatile.Read(ref target.Value) && run.MayStartMessage && run.Budget.TryTake())
            await session.SendOneAsync(Statistics.Timestamps.Now);
    }
}
