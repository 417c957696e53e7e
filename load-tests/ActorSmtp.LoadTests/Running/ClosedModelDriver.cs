using System.Runtime.CompilerServices;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Running;

/// keep/ramp: a target number of sessions, each sending back to back. A controller re-reads
/// the plan every 100 ms; a session whose index falls outside the target finishes its current
/// message and leaves, and a new one starts when the target grows again.
///
/// With a count limit, a session reserves the messages of a whole connection at once. Taking
/// one ticket per message would split the limit between sessions by chance (say 11 and 9), and
/// with it the number of connections (3 + 2 instead of 2 + 2 at 5 per connection). Reserved,
/// every connection but the last carries exactly MessagesPerConnection messages, however the
/// sessions interleave.
internal static class ClosedModelDriver
{
    private static readonly TimeSpan ControlInterval = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(ScenarioRun run)
    {
        var plan = run.Settings.Load;
        var sessions = new Task?[plan.PeakSessions];
        var target = new StrongBox<int>();
        while (!run.StopStarting.IsCancellationRequested)
        {
            // An exhausted budget may still be held by running sessions, and one that leaves
            // early gives its tickets back; so the limit ends the run only once none is running.
            // Look at the sessions first: a session is done only after giving its tickets back.
            var running = sessions.OfType<Task>().Where(s => !s.IsCompleted).ToArray();
            if (run.Budget.IsExhausted && running.Length == 0)
                break;
            target.Value = plan.SessionsAt(run.Elapsed);
            for (int i = 0; i < target.Value && !run.Budget.IsExhausted; i++)
            {
                if (sessions[i] is null || sessions[i]!.IsCompleted)
                {
                    int index = i;
                    sessions[i] = Task.Run(() => RunSessionAsync(run, index, target));
                }
            }
            // Wakes early when the plan ends or a session finishes; never throws.
            await Task.WhenAny([Task.Delay(ControlInterval, run.StopStarting), .. running]);
        }
        await Task.WhenAll(sessions.OfType<Task>());
    }

    private static async Task RunSessionAsync(ScenarioRun run, int index, StrongBox<int> target)
    {
        await using var session = new LoadSession(run, index);
        long tickets = 0;
        try
        {
            while (index < Volatile.Read(ref target.Value) && !run.StopStarting.IsCancellationRequested)
            {
                if (tickets == 0 && (tickets = run.Budget.Take(session.MessagesLeftOnConnection)) == 0)
                    break;
                tickets--;
                await session.SendOneAsync(Timestamps.Now);
            }
        }
        finally
        {
            run.Budget.Return(tickets);
        }
    }
}
