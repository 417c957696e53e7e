namespace ActorSmtp.LoadTests.Statistics;

/// One second of a run: messages that got their final 250, and failed attempts.
internal readonly record struct ThroughputBucket(int Second, long Succeeded, long Failed);

/// Completions counted into one-second buckets by the time they finished.
/// Thread-safe; the caller supplies the elapsed time, so this class never reads a clock.
internal sealed class ThroughputTimeline
{
    private readonly long[] _succeeded;
    private readonly long[] _failed;
    private int _lastSecond = -1;

    /// Completions later than <paramref name="capacitySeconds"/> land in the last bucket.
    public ThroughputTimeline(int capacitySeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacitySeconds, 1);
        _succeeded = new long[capacitySeconds];
        _failed = new long[capacitySeconds];
    }

    public void RecordSuccess(TimeSpan elapsed) => Interlocked.Increment(ref _succeeded[BucketOf(elapsed)]);

    public void RecordFailure(TimeSpan elapsed) => Interlocked.Increment(ref _failed[BucketOf(elapsed)]);

    public ThroughputBucket Bucket(int second) =>
        new(second, Volatile.Read(ref _succeeded[second]), Volatile.Read(ref _failed[second]));

    /// Every second from the start up to the last one that saw a completion.
    public IReadOnlyList<ThroughputBucket> Buckets()
    {
        int last = Volatile.Read(ref _lastSecond);
        return Enumerable.Range(0, last + 1).Select(Bucket).ToArray();
    }

    private int BucketOf(TimeSpan elapsed)
    {
        int second = (int)Math.Clamp(elapsed.Ticks / TimeSpan.TicksPerSecond, 0, _succeeded.Length - 1);
        int last;
        while (second > (last = Volatile.Read(ref _lastSecond)))
            Interlocked.CompareExchange(ref _lastSecond, second, last);
        return second;
    }
}
