using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Running;

/// inject: messages fall due on a fixed schedule (open model). Due times go into a queue that
/// a pool of sessions drains; the pool grows while messages wait and no session is idle, up to
/// MaxSessions. Latency counts from the due time, so a server that falls behind shows it in the
/// percentiles instead of quietly slowing the generator (no coordinated omission).
internal static class OpenModelDriver
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(1);

    public static async Task RunAsync(ScenarioRun run)
    {
        var plan = run.Settings.Load;
        var due = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true });
        var workers = new List<Task>();
        var idle = new StrongBox<int>();
        double nextDueSeconds = 0;

        while (run.MayStartMessage)
        {
            double now = run.Elapsed.TotalSeconds;
            while (nextDueSeconds <= now && plan.RateAt(TimeSpan.FromSeconds(nextDueSeconds)) is > 0 and var rate
                   && run.Budget.TryTake())
            {
                due.Writer.TryWrite(Timestamps.After(run.Started, TimeSpan.FromSeconds(nextDueSeconds)));
                nextDueSeconds += 1.0 / rate;
            }
            while (due.Reader.Count > Volatile.Read(ref idle.Value) && workers.Count < run.Settings.MaxSessions)
            {
                // A new worker counts as idle from birth, so one tick never starts more than it needs.
                Interlocked.Increment(ref idle.Value);
                int index = workers.Count;
                workers.Add(Task.Run(() => RunWorkerAsync(run, index, due.Reader, idle)));
            }
            await Task.WhenAny(Task.Delay(TickInterval, run.StopStarting)); // wakes early, never throws
        }

        due.Writer.Complete();
        await Task.WhenAll(workers);
        if (due.Reader.Count > 0)
            run.Errors.Record("unsent", due.Reader.Count);
    }

    private static async Task RunWorkerAsync(ScenarioRun run, int index, ChannelReader<long> due, StrongBox<int> idle)
    {
        await using var session = new LoadSession(run, index);
        try
        {
            while (await due.WaitToReadAsync(run.HardStop))
            {
                while (!run.HardStop.IsCancellationRequested && due.TryRead(out long dueAt))
                {
                    Interlocked.Decrement(ref idle.Value);
                    await session.SendOneAsync(dueAt);
                    Interlocked.Increment(ref idle.Value);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Hard stop: whatever is still queued is reported as unsent.
        }
    }
}
