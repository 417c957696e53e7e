using System.Collections.Concurrent;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// Reads many stored messages for a rebuild or a reconcile: chunks are parsed in parallel on the thread pool while
/// the caller's thread (the indexer's) inserts the chunk before, one transaction per chunk.
/// </summary>
internal static class StoredMessageLoader
{
    /// <summary>Big enough that a transaction's fixed cost vanishes, small enough that a chunk's texts stay a few MB.</summary>
    private const int ChunkSize = 2000;

    /// <summary>Parses <paramref name="ids"/> and hands each chunk to <paramref name="index"/>; returns how many could not be read (skipped).</summary>
    public static int Load(string directory, IReadOnlyList<string> ids, Action<IReadOnlyList<IndexedMessage>> index, CancellationToken ct)
    {
        var unreadable = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Two chunks ahead at most: parsing runs ahead of the inserts without holding the whole store in memory.
        using var parsed = new BlockingCollection<IndexedMessage[]>(boundedCapacity: 2);
        var producer = Task.Run(() =>
        {
            try
            {
                for (var start = 0; start < ids.Count; start += ChunkSize)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    var chunk = ids.Skip(start).Take(ChunkSize).ToArray();
                    var readable = StoredFiles.ReadAll(directory, chunk);
                    unreadable += chunk.Length - readable.Length; // this thread only
                    parsed.Add(readable, stop.Token);
                }
            }
            finally
            {
                parsed.CompleteAdding();
            }
        }, stop.Token);
        try
        {
            foreach (var chunk in parsed.GetConsumingEnumerable(ct))
                index(chunk);
        }
        finally
        {
            stop.Cancel(); // a failed insert stops the parsing too
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.All(inner => inner is OperationCanceledException))
            {
            }
        }
        ct.ThrowIfCancellationRequested();
        return unreadable;
    }
}
