using HdrHistogram;

namespace ActorSmtp.LoadTests.Statistics;

/// Thread-safe latency recording for every step.
/// Writers record into HdrHistogram recorders (wait-free); one reader, the progress ticker,
/// moves each interval into a cumulative histogram, which is what the final report reads.
internal sealed class StepLatencies
{
    // 1 µs .. 1 h at 3 significant digits: about 0.1 % error, a few hundred KB per step.
    private const long HighestMicroseconds = 3_600_000_000;

    private readonly Recorder[] _recorders;
    private readonly LongHistogram[] _totals;
    private readonly object _drainLock = new();

    public StepLatencies()
    {
        _recorders = StepNames.All.Select(_ => NewRecorder()).ToArray();
        _totals = StepNames.All.Select(_ => new LongHistogram(HighestMicroseconds, 3)).ToArray();
    }

    public void Record(Step step, long microseconds) =>
        _recorders[(int)step].RecordValue(Math.Clamp(microseconds, 1, HighestMicroseconds));

    /// Moves what was recorded since the last call into the totals and returns the
    /// whole-message latencies of that interval (for the live progress line).
    public LatencySummary DrainInterval()
    {
        lock (_drainLock)
        {
            LatencySummary interval = LatencySummary.Empty;
            foreach (var step in StepNames.All)
            {
                var histogram = _recorders[(int)step].GetIntervalHistogram();
                _totals[(int)step].Add(histogram);
                if (step == Step.Message)
                    interval = LatencySummary.FromMicroseconds(histogram);
            }
            return interval;
        }
    }

    public IReadOnlyDictionary<Step, LatencySummary> Totals()
    {
        DrainInterval();
        lock (_drainLock)
            return StepNames.All.ToDictionary(s => s, s => LatencySummary.FromMicroseconds(_totals[(int)s]));
    }

    private static Recorder NewRecorder() =>
        HistogramFactory.With64BitBucketSize()
            .WithValuesFrom(1)
            .WithValuesUpTo(HighestMicroseconds)
            .WithPrecisionOf(3)
            .WithThreadSafeWrites()
            .WithThreadSafeReads()
            .Create();
}
