namespace ActorSmtp.LoadTests.Running;

/// The optional count limit of a scenario: sessions take a ticket before each message.
internal sealed class MessageBudget(long? limit)
{
    private long _taken;

    public bool IsExhausted => limit is { } max && Volatile.Read(ref _taken) >= max;

    public bool TryTake() => limit is not { } max || Interlocked.Increment(ref _taken) <= max;
}
