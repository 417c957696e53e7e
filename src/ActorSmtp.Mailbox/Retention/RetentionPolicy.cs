using ActorSmtp.Mailbox.Index;

namespace ActorSmtp.Mailbox.Retention;

/// <summary>Which messages retention removes: the oldest, until every bound of <see cref="RetentionSettings"/> holds again.</summary>
internal sealed class RetentionPolicy(RetentionSettings settings)
{
    private const int Page = 1000;

    public RetentionSettings Settings { get; } = settings;

    /// <summary>How often expired messages are looked for between batches: a quarter of max-age, within 250 ms … 1 min.</summary>
    public TimeSpan ExpiryInterval => TimeSpan.FromTicks(Math.Clamp(Settings.MaxAge.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromMinutes(1).Ticks));

    /// <summary>The keys to remove now, oldest first (only indexed messages: one still being stored is not in the index yet).</summary>
    public List<IndexKey> Victims(IndexWriter index, DateTimeOffset now)
    {
        var victims = new List<IndexKey>();
        if (!Settings.IsBounded)
            return victims;
        var count = index.Count;
        var size = index.Size;
        var expiredBelow = Settings.MaxAge > TimeSpan.Zero ? SeqKey.First(now - Settings.MaxAge) : 0;
        for (var from = 0L; ;)
        {
            var oldest = index.Oldest(Page, from);
            foreach (var key in oldest)
            {
                var over = (Settings.MaxMessages > 0 && count > Settings.MaxMessages) || (Settings.MaxSize > 0 && size > Settings.MaxSize);
                if (!over && key.Seq >= expiredBelow)
                    return victims;
                victims.Add(key);
                count--;
                size -= key.Size;
            }
            if (oldest.Count < Page)
                return victims;
            from = oldest[^1].Seq + 1;
        }
    }
}
