namespace ActorSmtp.LoadTests.Running;

/// The optional count limit of a scenario: tickets are taken before messages start, one at a
/// time (open model) or a connection's worth at once (closed model), and unused ones go back.
internal sealed class MessageBudget(long? limit)
{
    private long _taken; // never above the limit, so tickets given back are at once available again

    public bool IsExhausted => limit is { } max && Volatile.Read(ref _taken) >= max;

    public bool TryTake() => Take(1) == 1;

    /// Takes up to <paramref name="wanted"/> tickets; returns how many were granted (0 when exhausted).
    public long Take(long wanted)
    {
        if (limit is not { } max)
            return wanted;
        long taken, granted;
        do
        {
            taken = Volatile.Read(ref _taken);
            granted = Math.Min(wanted, max - taken);
            if (granted <= 0)
                return 0;
        }
        while (Interlocked.CompareExchange(ref _taken, taken + granted, taken) != taken);
        return granted;
    }

    public void Return(long unused)
    {
        if (limit is not null && unused > 0)
            Interlocked.Add(ref _taken, -unused);
    }
}
