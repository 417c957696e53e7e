using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// The index and the files together, for the indexer's thread: indexing, deleting (files, then the row),
/// reconciling with the folder, rebuilding. Synchronous; SQLite blocks.
/// </summary>
internal sealed class MailboxStore(IndexDatabase database, IndexWriter writer, ILogger log) : IDisposable
{
    private const int DeleteChunk = 2000;

    public IndexWriter Writer { get; } = writer;

    public string Directory => database.Directory;

    /// <summary>Opens the index of the database's directory and reconciles it with the files (indexing all of them when the index is new).</summary>
    public static MailboxStore Open(IndexDatabase database, ILogger log, CancellationToken ct)
    {
        var connection = database.OpenWriter(out _);
        var store = new MailboxStore(database, new IndexWriter(connection), log);
        try
        {
            store.Reconcile(ct);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Reads and indexes the messages; returns those new to the index. Vanished ones are skipped.</summary>
    public List<IndexRow> Index(IReadOnlyList<string> ids) => Writer.Insert(StoredFiles.ReadAll(Directory, ids));

    /// <summary>Deletes the messages, files and rows; a message whose .eml cannot be deleted keeps its row (it is still there).</summary>
    public List<IndexKey> Delete(IReadOnlyList<IndexKey> keys)
    {
        var deleted = new List<IndexKey>(keys.Count);
        foreach (var chunk in keys.Chunk(DeleteChunk))
        {
            var gone = chunk.Where(key => StoredFiles.Delete(Directory, key.Id) || LogUndeletable(key)).ToArray();
            Writer.Delete(gone);
            deleted.AddRange(gone);
        }
        return deleted;
    }

    /// <summary>Deletes every message <paramref name="matcher"/> matches, oldest first, a chunk at a time.</summary>
    public List<IndexKey> Delete(MessageMatcher matcher)
    {
        var deleted = new List<IndexKey>();
        for (var from = 0L; ;)
        {
            var chunk = IndexQueries.Scan(Writer.Connection, matcher, long.MaxValue, newestFirst: false, from).Take(DeleteChunk).Select(row => row.Key).ToList();
            deleted.AddRange(Delete(chunk));
            if (chunk.Count < DeleteChunk)
                return deleted;
            from = chunk[^1].Seq + 1;
        }
    }

    /// <summary>Drops the index and indexes every committed message of the folder again.</summary>
    public void Rebuild(CancellationToken ct)
    {
        Writer.Clear();
        Reconcile(ct);
    }

    /// <summary>
    /// Compares the indexed ids with the committed messages of the folder (an .eml with its .json): indexes those
    /// missing (stored while no mailbox ran), drops those whose files vanished. Both lists sorted by id, merged.
    /// </summary>
    public void Reconcile(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var files = StoredFiles.CommittedIds(Directory);
        var indexed = Writer.KeysById();
        var missing = new List<string>();
        var vanished = new List<IndexKey>();
        int f = 0, i = 0;
        while (f < files.Count || i < indexed.Count)
        {
            var order = f == files.Count ? 1 : i == indexed.Count ? -1 : string.CompareOrdinal(files[f], indexed[i].Id);
            if (order < 0)
                missing.Add(files[f++]);
            else if (order > 0)
                vanished.Add(indexed[i++]);
            else
            {
                f++;
                i++;
            }
        }
        foreach (var chunk in vanished.Chunk(DeleteChunk))
            Writer.Delete(chunk);
        var added = 0;
        var unreadable = StoredMessageLoader.Load(Directory, missing, chunk => added += Writer.Insert(chunk).Count, ct);
        if (missing.Count > 0 || vanished.Count > 0)
            log.LogInformation("mailbox: indexed {Added} messages and dropped {Dropped} vanished ones in {Directory} ({Unreadable} unreadable skipped) in {Elapsed:F1} s",
                added, vanished.Count, Directory, unreadable, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private bool LogUndeletable(IndexKey key)
    {
        log.LogWarning("mailbox: cannot delete the files of message {Id} in {Directory}: it stays", key.Id, Directory);
        return false;
    }

    public void Dispose() => Writer.Dispose();
}
