using System.Diagnostics;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Running;

/// The live state of one scenario while it runs: its clocks, limits and statistics.
/// Two stop signals bound every run: StopStarting (the plan's duration is over: start no new
/// message) and HardStop (the plan's duration plus one I/O timeout and a grace second:
/// cancel whatever is still in flight).
internal sealed class ScenarioRun : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopStarting;
    private readonly CancellationTokenSource _hardStop;
    private long _succeeded;
    private int _runningSessions;

    public ScenarioRun(ScenarioSettings settings, CancellationToken cancel)
    {
        Settings = settings;
        Bodies = new MessageBodies(settings.Size, settings.Recipients, settings.MessageFile);
        Budget = new MessageBudget(settings.MaxMessages);
        var hardLimit = settings.Load.Duration + settings.IoTimeout + Grace;
        Timeline = new ThroughputTimeline((int)Math.Ceiling(hardLimit.TotalSeconds) + 1);
        _stopStarting = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        _hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Started = Timestamps.Now;
        _stopStarting.CancelAfter(settings.Load.Duration);
        _hardStop.CancelAfter(hardLimit);
    }

    public ScenarioSettings Settings { get; }
    public MessageBodies Bodies { get; }
    public MessageBudget Budget { get; }
    public StepLatencies Latencies { get; } = new();
    public ThroughputTimeline Timeline { get; }
    public ErrorTally Errors { get; } = new();
    public long Started { get; }

    public CancellationToken StopStarting => _stopStarting.Token;
    public CancellationToken HardStop => _hardStop.Token;
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Started);
    public int RunningSessions => Volatile.Read(ref _runningSessions);

    /// True while new messages may start: within the plan's duration and the count limit.
    public bool MayStartMessage => !StopStarting.IsCancellationRequested && !Budget.IsExhausted;

    public ILoadClient NewClient() => Settings.Client switch
    {
        ClientKind.MailKit => new MailKitLoadClient(Settings, Bodies, Latencies, HardStop),
        _ => new RawPipeliningClient(Settings, Bodies, Latencies, HardStop),
    };

    public void SessionStarted() => Interlocked.Increment(ref _runningSessions);

    public void SessionEnded() => Interlocked.Decrement(ref _runningSessions);

    public void RecordSuccess(long due)
    {
        long now = Timestamps.Now;
        Latencies.Record(Step.Message, Timestamps.Microseconds(due, now));
        Interlocked.Increment(ref _succeeded);
        Timeline.RecordSuccess(Elapsed);
    }

    public void RecordFailure(Exception error)
    {
        Errors.Record(ErrorClassifier.Classify(error, HardStop.IsCancellationRequested), Sample(error));
        Timeline.RecordFailure(Elapsed);
    }

    public ScenarioResult ToResult(TimeSpan elapsed) => new(
        Settings, elapsed, Volatile.Read(ref _succeeded), Latencies.Totals(), Timeline.Buckets(), Errors.Counts());

    public void Dispose()
    {
        _stopStarting.Dispose();
        _hardStop.Dispose();
    }

    private static string Sample(Exception error) => error is SmtpReplyException reply ? reply.Reply : error.Message;
}
