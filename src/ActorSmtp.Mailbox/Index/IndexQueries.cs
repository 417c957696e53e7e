using Microsoft.Data.Sqlite;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// The queries, on any connection (a pooled reader, or the writer when deleting or waking waiters). Received-at
/// bounds and the cursor are a rowid range (<see cref="SeqKey"/>), text goes to FTS5 walking rowids in order, and
/// the address and subject filters run on the rows streamed (<see cref="MessageMatcher"/>), stopping at the limit.
/// </summary>
internal static class IndexQueries
{
    /// <summary>One page, newest first, of the rows below <paramref name="beforeSeq"/>; one more row is read to know whether a next page exists.</summary>
    public static MessagePage Page(SqliteConnection connection, MessageMatcher matcher, int limit, long beforeSeq)
    {
        var messages = new List<MessageSummary>(Math.Min(limit, 1000));
        var more = false;
        foreach (var row in Scan(connection, matcher, beforeSeq, newestFirst: true))
        {
            if (messages.Count == limit)
            {
                more = true;
                break;
            }
            messages.Add(row.Message.Summary());
        }
        return new MessagePage(messages, more ? messages[^1].Id : null);
    }

    /// <summary>The oldest matching row at or after <paramref name="fromSeq"/>, or null.</summary>
    public static IndexRow? Oldest(SqliteConnection connection, MessageMatcher matcher, long fromSeq)
    {
        foreach (var row in Scan(connection, matcher, long.MaxValue, newestFirst: false, fromSeq))
            return row;
        return null;
    }

    /// <summary>The row of message <paramref name="id"/>, or null.</summary>
    public static IndexRow? Find(SqliteConnection connection, string id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {IndexSchema.Columns} FROM messages WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? IndexRows.Read(reader) : null;
    }

    /// <summary>Whether row <paramref name="seq"/> matches the FTS5 expression (a waiter's text filter, on a just committed row).</summary>
    public static bool TextMatches(SqliteConnection connection, string expression, long seq)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM message_text WHERE message_text MATCH $q AND rowid = $seq";
        command.Parameters.AddWithValue("$q", expression);
        command.Parameters.AddWithValue("$seq", seq);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Matching rows of the range [max(since, <paramref name="fromSeq"/>), min(until, <paramref name="beforeSeq"/>)), in rowid order.</summary>
    /// <exception cref="ArgumentException">SQLite refused the text search (named <c>q</c>; FtsQuery makes this unlikely, it is never a 500).</exception>
    public static IEnumerable<IndexRow> Scan(SqliteConnection connection, MessageMatcher matcher, long beforeSeq, bool newestFirst, long fromSeq = 0)
    {
        var query = matcher.Query;
        var low = Math.Max(fromSeq, query.Since is { } since ? SeqKey.First(since) : 0);
        var high = Math.Min(beforeSeq, query.Until is { } until ? SeqKey.First(until) : long.MaxValue);
        using var command = connection.CreateCommand();
        var order = newestFirst ? "DESC" : "ASC";
        command.CommandText = matcher.Text is null
            ? $"SELECT {IndexSchema.Columns} FROM messages WHERE seq >= $low AND seq < $high ORDER BY seq {order}"
            : $"""
               SELECT {PrefixedColumns} FROM message_text JOIN messages m ON m.seq = message_text.rowid
               WHERE message_text MATCH $q AND message_text.rowid >= $low AND message_text.rowid < $high
               ORDER BY message_text.rowid {order}
               """;
        command.Parameters.AddWithValue("$low", low);
        command.Parameters.AddWithValue("$high", high);
        if (matcher.Text is { } text)
            command.Parameters.AddWithValue("$q", text);
        using var reader = Execute(command, matcher);
        while (reader.Read())
        {
            var row = IndexRows.Read(reader);
            if (matcher.MatchesAllRows || matcher.Matches(row.Message))
                yield return row;
        }
    }

    private static readonly string PrefixedColumns = string.Join(", ", IndexSchema.Columns.Split(", ").Select(column => "m." + column));

    private static SqliteDataReader Execute(SqliteCommand command, MessageMatcher matcher)
    {
        try
        {
            return command.ExecuteReader();
        }
        catch (SqliteException ex) when (matcher.Text is not null && ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_ERROR)
        {
            throw new ArgumentException($"`q` is not a search the index understands: {ex.Message}", "q", ex);
        }
    }
}
