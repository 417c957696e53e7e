namespace ActorSmtp.Dns.Caching;

/// <summary>A class, not a record: the cache removes an entry only if it is still this very one (reference equality).</summary>
internal sealed class DnsCacheEntry(object answer, DateTimeOffset expires)
{
    public object Answer { get; } = answer;

    public DateTimeOffset Expires { get; } = expires;
}
