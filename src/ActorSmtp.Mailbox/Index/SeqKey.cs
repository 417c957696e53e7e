namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// The index's row key (SQLite rowid, FTS5 rowid): the received-at millisecond shifted left by 13 bits, plus a
/// counter for messages of the same millisecond. So rowid order is arrival order: "newest first" and FTS5's
/// <c>ORDER BY rowid DESC</c> are one walk, a received-at range is a rowid range, and retention's "oldest first"
/// is the start of the table, whatever order the messages reached the index in (a rebuild, a reconcile).
/// </summary>
internal static class SeqKey
{
    /// <summary>8 192 messages per millisecond before a key spills into the next one (8 million a second).</summary>
    private const int CounterBits = 13;

    public const long CounterMask = (1L << CounterBits) - 1;

    /// <summary>The first key of the millisecond <paramref name="at"/> falls in (before 1970: 0).</summary>
    public static long First(DateTimeOffset at) => Math.Max(0, Millis(at)) << CounterBits;

    /// <summary>The millisecond of a key.</summary>
    public static DateTimeOffset Time(long seq) => DateTimeOffset.FromUnixTimeMilliseconds(seq >> CounterBits);

    /// <summary>Whole milliseconds since 1970, as the index stores received-at.</summary>
    public static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
