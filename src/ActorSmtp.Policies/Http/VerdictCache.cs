namespace ActorSmtp.Policies.Http;

/// <summary>
/// Verdicts by key for a time to live, at most <see cref="Capacity"/> of them: when full, the oldest goes, so a
/// flood of distinct recipients costs bounded memory. Thread-safe: checks finish off the actor, concurrently.
/// </summary>
internal sealed class VerdictCache(TimeSpan ttl, TimeProvider clock, int capacity = VerdictCache.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private sealed record Entry(string Key, PolicyProtocol.Verdict Verdict, long Expires);

    private readonly Dictionary<string, LinkedListNode<Entry>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _oldestFirst = new();
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * clock.TimestampFrequency);

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_byKey)
                return _byKey.Count;
        }
    }

    /// <summary>The key of a check: the stage, the value it checks and, where the value is the client's to choose, its address.</summary>
    public static string KeyOf(PolicyProtocol.Check check) => check.Stage switch
    {
        PolicyStage.Connect => $"connect\n{check.Client.Address}",
        PolicyStage.Helo => $"helo\n{check.HeloName}\n{check.Client.Address}",
        PolicyStage.MailFrom => $"mail\n{check.MailFrom}",
        _ => $"rcpt\n{check.Recipient}",
    };

    public bool TryGet(string key, out PolicyProtocol.Verdict verdict)
    {
        lock (_byKey)
        {
            if (_byKey.TryGetValue(key, out var node) && node.Value.Expires > clock.GetTimestamp())
            {
                verdict = node.Value.Verdict;
                return true;
            }
            if (node is not null)
                Remove(node);
        }
        verdict = null!;
        return false;
    }

    public void Add(string key, PolicyProtocol.Verdict verdict)
    {
        var entry = new Entry(key, verdict, clock.GetTimestamp() + _ttlTicks);
        lock (_byKey)
        {
            if (_byKey.TryGetValue(key, out var old))
                Remove(old);
            while (_byKey.Count >= capacity && _oldestFirst.First is { } oldest)
                Remove(oldest);
            _byKey[key] = _oldestFirst.AddLast(entry);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _oldestFirst.Remove(node);
        _byKey.Remove(node.Value.Key);
    }
}
