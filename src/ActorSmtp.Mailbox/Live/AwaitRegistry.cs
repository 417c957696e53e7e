using ActorSmtp.Mailbox.Index;

namespace ActorSmtp.Mailbox.Live;

/// <summary>
/// The waiters of <see cref="Mailbox.AwaitAsync"/>: each a query and a <see cref="TaskCompletionSource{T}"/>, so a
/// waiter costs no thread, only its entry here and a timer. After each committed batch the indexer offers the new
/// rows; every waiter one of them matches is completed, on the thread pool (never the indexer's thread).
/// </summary>
internal sealed class AwaitRegistry
{
    private readonly object _gate = new();
    private readonly HashSet<Waiter> _waiters = [];
    private Waiter[]? _snapshot = [];

    public int Count
    {
        get
        {
            lock (_gate)
                return _waiters.Count;
        }
    }

    /// <summary>Registers a waiter; from now on every committed batch is offered to it (register, then look in the index: no lost wake-up).</summary>
    public Waiter Register(MessageMatcher matcher, DateTimeOffset? since)
    {
        var waiter = new Waiter(matcher, since is { } at ? SeqKey.Millis(at) : long.MinValue);
        lock (_gate)
        {
            _waiters.Add(waiter);
            _snapshot = null;
        }
        return waiter;
    }

    public void Remove(Waiter waiter)
    {
        lock (_gate)
        {
            if (_waiters.Remove(waiter))
                _snapshot = null;
        }
    }

    /// <summary>Completes each waiter with the first of <paramref name="rows"/> (just committed, in key order) that it matches.</summary>
    /// <param name="rows">The rows of the batch.</param>
    /// <param name="textMatches">Whether a row matches an FTS5 expression, asked only of rows that pass the other filters.</param>
    public void Offer(IReadOnlyList<IndexRow> rows, Func<string, long, bool> textMatches)
    {
        if (rows.Count == 0)
            return;
        foreach (var waiter in Snapshot())
        {
            foreach (var row in rows)
            {
                if (row.Message.ReceivedAtMillis < waiter.SinceMillis || !waiter.Matcher.Matches(row.Message)
                    || (waiter.Matcher.Text is { } text && !textMatches(text, row.Seq)))
                    continue;
                waiter.Result.TrySetResult(row.Message.Summary());
                break;
            }
        }
    }

    /// <summary>Ends every wait with null (the mailbox is closing).</summary>
    public void ReleaseAll()
    {
        foreach (var waiter in Snapshot())
            waiter.Result.TrySetResult(null);
    }

    // Copied once per change, not once per batch: batches are many, registrations fewer.
    private Waiter[] Snapshot()
    {
        lock (_gate)
            return _snapshot ??= [.. _waiters];
    }

    /// <summary>One waiting call: completed with the message, or null at its timeout.</summary>
    public sealed class Waiter(MessageMatcher matcher, long sinceMillis)
    {
        public MessageMatcher Matcher { get; } = matcher;

        public long SinceMillis { get; } = sinceMillis;

        public TaskCompletionSource<MessageSummary?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
