using Microsoft.Data.Sqlite;

namespace ActorSmtp.Mailbox.Index;

/// <summary>One row of <c>messages</c> and its key.</summary>
internal readonly record struct IndexRow(long Seq, IndexedMessage Message)
{
    public IndexKey Key => new(Seq, Message.Id, Message.Size);
}

/// <summary>What deleting a row needs: its key, its id (the files) and its size (the totals).</summary>
internal readonly record struct IndexKey(long Seq, string Id, long Size);

/// <summary>Reads <c>messages</c> rows (selected as <see cref="IndexSchema.Columns"/>) into <see cref="IndexedMessage"/>s without their text.</summary>
internal static class IndexRows
{
    public static IndexRow Read(SqliteDataReader row) => new(
        row.GetInt64(0),
        new IndexedMessage(
            row.GetString(1),
            row.GetInt64(2),
            row.GetString(3),
            Split(row.GetString(4)),
            Split(row.GetString(5)),
            Split(row.GetString(6)),
            row.IsDBNull(7) ? null : row.GetString(7),
            row.GetInt64(8),
            row.GetInt64(9) != 0,
            row.IsDBNull(10) ? null : row.GetString(10),
            row.GetInt64(11) != 0,
            BodyText: ""));

    /// <summary>Addresses as stored: '\n'-joined (no address holds a line break).</summary>
    public static string Join(IReadOnlyList<string> addresses) => string.Join('\n', addresses);

    private static string[] Split(string joined) => joined.Length == 0 ? [] : joined.Split('\n');
}
