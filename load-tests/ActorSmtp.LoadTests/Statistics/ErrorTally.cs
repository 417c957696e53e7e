using System.Collections.Concurrent;

namespace ActorSmtp.LoadTests.Statistics;

/// Failures by kind: an SMTP reply code ("451", "550") or a transport condition
/// ("timeout", "connection-refused", "io"), with the first reply text seen as a sample.
internal sealed class ErrorTally
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public long Total => _entries.Values.Sum(e => Volatile.Read(ref e.Count));

    public void Record(string kind, string? sample = null)
    {
        var entry = _entries.GetOrAdd(kind, static (_, s) => new Entry(s), sample);
        Interlocked.Increment(ref entry.Count);
    }

    public void Record(string kind, long count)
    {
        var entry = _entries.GetOrAdd(kind, static _ => new Entry(null));
        Interlocked.Add(ref entry.Count, count);
    }

    /// Most frequent first; ties by kind so reports are stable.
    public IReadOnlyList<ErrorCount> Counts() =>
        _entries
            .Select(kv => new ErrorCount(kv.Key, Volatile.Read(ref kv.Value.Count), kv.Value.Sample))
            .OrderByDescending(e => e.Count)
            .ThenBy(e => e.Kind, StringComparer.Ordinal)
            .ToArray();

    private sealed class Entry(string? sample)
    {
        public long Count;
        public readonly string? Sample = sample;
    }
}

internal sealed record ErrorCount(string Kind, long Count, string? Sample);
