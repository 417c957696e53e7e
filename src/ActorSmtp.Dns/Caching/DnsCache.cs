using System.Collections.Concurrent;

namespace ActorSmtp.Dns.Caching;

/// <summary>
/// The resolver's bounded answer cache: lock-free reads, writes (one per answer from the wire) under a lock.
/// Full, it drops the expired entries (at most one sweep a second), then the oldest written, in FIFO order.
/// </summary>
internal sealed class DnsCache(DnsCacheSettings settings, TimeProvider time)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<DnsCacheKey, DnsCacheEntry> _entries = new();
    private readonly Queue<(DnsCacheKey Key, DnsCacheEntry Entry)> _written = new(); // under _gate
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public int Count => _entries.Count;

    public bool TryGet(DnsCacheKey key, out object answer)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Expires > time.GetUtcNow())
            {
                answer = entry.Answer;
                return true;
            }
            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
        answer = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="answer"/> for <paramref name="ttl"/>; a zero TTL keeps nothing.</summary>
    public void Put(DnsCacheKey key, object answer, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero || settings.MaxEntries <= 0)
            return;
        var entry = new DnsCacheEntry(answer, time.GetUtcNow() + ttl);
        lock (_gate)
        {
            if (!_entries.ContainsKey(key))
                MakeRoom();
            _entries[key] = entry;
            _written.Enqueue((key, entry));
            if (_written.Count > 2L * settings.MaxEntries)
                Compact();
        }
    }

    private void MakeRoom()
    {
        if (_entries.Count < settings.MaxEntries)
            return;
        SweepExpired();
        while (_entries.Count >= settings.MaxEntries && _written.TryDequeue(out var oldest))
            _entries.TryRemove(KeyValuePair.Create(oldest.Key, oldest.Entry));
    }

    private void SweepExpired()
    {
        var now = time.GetUtcNow();
        if (now - _lastSweep < SweepInterval)
            return;
        _lastSweep = now;
        foreach (var pair in _entries)
            if (pair.Value.Expires <= now)
                _entries.TryRemove(pair);
    }

    // Rewritten or expired keys leave stale items in the queue; drop them so it stays within 2 × max-entries.
    private void Compact()
    {
        var live = _written.Where(item => _entries.TryGetValue(item.Key, out var current) && ReferenceEquals(current, item.Entry)).ToArray();
        _written.Clear();
        foreach (var item in live)
            _written.Enqueue(item);
    }
}
