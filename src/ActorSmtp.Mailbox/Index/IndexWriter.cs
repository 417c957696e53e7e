using Microsoft.Data.Sqlite;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// The writes, on the one writer connection (the indexer's thread only): batches of new messages, deletions, and
/// the totals retention needs (kept here, so no batch counts the table).
/// </summary>
internal sealed class IndexWriter : IDisposable
{
    private readonly SqliteCommand _lastInMillisecond;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _insertText;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _deleteText;

    public IndexWriter(SqliteConnection connection)
    {
        Connection = connection;
        _lastInMillisecond = Command("SELECT max(seq) FROM messages WHERE seq >= $low AND seq <= $low + " + SeqKey.CounterMask, "$low");
        // OR IGNORE: an id indexed already (found by the reconcile and announced by the sink) stays as it is.
        _insert = Command($"INSERT OR IGNORE INTO messages ({IndexSchema.Columns}) VALUES ($seq, $id, $received_at, $mail_from, $rcpt_to, $header_from, $header_to, $subject, $size, $tls, $authenticated_as, $recipients_differ)",
            "$seq", "$id", "$received_at", "$mail_from", "$rcpt_to", "$header_from", "$header_to", "$subject", "$size", "$tls", "$authenticated_as", "$recipients_differ");
        _insertText = Command("INSERT INTO message_text (rowid, subject, addresses, body) VALUES ($seq, $subject, $addresses, $body)", "$seq", "$subject", "$addresses", "$body");
        _delete = Command("DELETE FROM messages WHERE seq = $seq", "$seq");
        _deleteText = Command("DELETE FROM message_text WHERE rowid = $seq", "$seq");
        ReadTotals();
    }

    public SqliteConnection Connection { get; }

    /// <summary>Messages indexed.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes of their .eml files.</summary>
    public long Size { get; private set; }

    /// <summary>Indexes <paramref name="messages"/> in one transaction; returns those that were not indexed yet, with their keys.</summary>
    public List<IndexRow> Insert(IReadOnlyList<IndexedMessage> messages)
    {
        var inserted = new List<IndexRow>(messages.Count);
        using var transaction = Begin();
        foreach (var message in messages)
        {
            var seq = FreeSeq(message.ReceivedAtMillis);
            if (!InsertRow(seq, message))
                continue;
            Run(_insertText, seq, message.Subject, message.AllAddresses(), message.BodyText);
            inserted.Add(new IndexRow(seq, message));
        }
        transaction.Commit();
        foreach (var row in inserted)
        {
            Count++;
            Size += row.Message.Size;
        }
        return inserted;
    }

    /// <summary>Drops the rows in one transaction (their files are the caller's to delete first).</summary>
    public void Delete(IReadOnlyList<IndexKey> keys)
    {
        using var transaction = Begin();
        foreach (var key in keys)
        {
            Run(_delete, key.Seq);
            Run(_deleteText, key.Seq);
        }
        transaction.Commit();
        foreach (var key in keys)
        {
            Count--;
            Size -= key.Size;
        }
    }

    /// <summary>Drops everything and starts an empty index.</summary>
    public void Clear()
    {
        IndexDatabase.Recreate(Connection);
        ReadTotals();
    }

    /// <summary>Every indexed message's key, sorted by id (ordinal, as SQLite's BINARY collation): the reconcile's merge.</summary>
    public List<IndexKey> KeysById()
    {
        var keys = new List<IndexKey>((int)Math.Min(Count, int.MaxValue));
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT seq, id, size FROM messages ORDER BY id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
            keys.Add(new IndexKey(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        return keys;
    }

    /// <summary>The oldest keys first, from <paramref name="fromSeq"/> on, at most <paramref name="limit"/>.</summary>
    public List<IndexKey> Oldest(int limit, long fromSeq = 0)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT seq, id, size FROM messages WHERE seq >= $from ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$from", fromSeq);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var keys = new List<IndexKey>();
        while (reader.Read())
            keys.Add(new IndexKey(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        return keys;
    }

    /// <summary>Starts a transaction and enlists the prepared commands (Microsoft.Data.Sqlite wants a command's transaction to be the connection's).</summary>
    private SqliteTransaction Begin()
    {
        var transaction = Connection.BeginTransaction();
        foreach (var command in Commands)
            command.Transaction = transaction;
        return transaction;
    }

    private IEnumerable<SqliteCommand> Commands => [_lastInMillisecond, _insert, _insertText, _delete, _deleteText];

    /// <summary>A key in the message's millisecond not taken yet (the next millisecond's if 8 192 are, which never happens at real rates).</summary>
    private long FreeSeq(long receivedAtMillis)
    {
        for (var low = Math.Max(0, receivedAtMillis) << 13; ; low += SeqKey.CounterMask + 1)
        {
            _lastInMillisecond.Parameters[0].Value = low;
            var last = _lastInMillisecond.ExecuteScalar();
            if (last is not long taken)
                return low;
            if (taken < low + SeqKey.CounterMask)
                return taken + 1;
        }
    }

    private bool InsertRow(long seq, IndexedMessage message) => Run(_insert,
        seq, message.Id, message.ReceivedAtMillis, message.MailFrom, IndexRows.Join(message.RcptTo), IndexRows.Join(message.HeaderFrom),
        IndexRows.Join(message.HeaderTo), message.Subject, message.Size, message.Tls ? 1 : 0, message.AuthenticatedAs,
        message.HeaderRecipientsDiffer ? 1 : 0) == 1;

    private void ReadTotals()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT count(*), coalesce(sum(size), 0) FROM messages";
        using var reader = command.ExecuteReader();
        reader.Read();
        Count = reader.GetInt64(0);
        Size = reader.GetInt64(1);
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }

    private static int Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in Commands)
            command.Dispose();
        Connection.Dispose();
    }
}
