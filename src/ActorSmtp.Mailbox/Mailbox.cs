using ActorSmtp.Mailbox.Index;
using ActorSmtp.Mailbox.Live;
using ActorSmtp.Mailbox.Retention;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using static ActorSmtp.Mailbox.Live.MailboxIndexerProtocol;

namespace ActorSmtp.Mailbox;

/// <summary>
/// The index of one file sink's folder: lists, searches, awaits and deletes the messages stored there.
/// One per indexed directory; the HTTP API and the web page use only this.
/// </summary>
/// <remarks>
/// <para>
/// The folder stays the truth: the index (<c>.mailbox.sqlite</c> in it) is rebuilt from the <c>.eml</c>/<c>.json</c>
/// files when missing, of another version or corrupt, and reconciled with them at open. A message is indexed when the
/// file sink publishes its <c>MessageStored</c> (after the rename that commits it), never before; by one writer on a
/// thread of its own, in batches. Queries run on pooled read connections on the thread pool.
/// </para>
/// <para>
/// Bad input throws <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the HTTP API's
/// parameter: <c>to</c>, <c>from</c> (glob too long), <c>q</c> (search text), <c>before</c> (no such message), <c>limit</c>,
/// <c>timeout</c>.
/// </para>
/// </remarks>
public sealed class Mailbox : IAsyncDisposable
{
    private static int _instances;

    private readonly ActorSystem _system;
    private readonly IActorRef _indexer;
    private readonly IndexDatabase _database;
    private readonly AwaitRegistry _waiters;
    private readonly EventHub _events;

    private Mailbox(ActorSystem system, IActorRef indexer, IndexDatabase database, AwaitRegistry waiters, EventHub events)
    {
        _system = system;
        _indexer = indexer;
        _database = database;
        _waiters = waiters;
        _events = events;
    }

    /// <summary>
    /// Opens (creating, reconciling or rebuilding) the index of <paramref name="directory"/> and starts following its
    /// file sink; completes when the index holds every committed message of the folder.
    /// </summary>
    public static async Task<Mailbox> OpenAsync(ActorSystem system, string directory, RetentionSettings retention, ILoggerFactory logging, CancellationToken ct)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        System.IO.Directory.CreateDirectory(full);
        var log = logging.CreateLogger("ActorSmtp.Mailbox");
        var database = new IndexDatabase(full, log);
        var waiters = new AwaitRegistry();
        var events = new EventHub();
        var indexer = system.ActorOf(MailboxIndexerActor.Props(database, new RetentionPolicy(retention), waiters, events, log),
            $"mailbox-index-{Interlocked.Increment(ref _instances)}");
        try
        {
            var opened = await indexer.Ask<Opened>(Open.Instance, ct).ConfigureAwait(false);
            log.LogInformation("mailbox: {Count} messages indexed in {Directory}", opened.Count, full);
        }
        catch
        {
            system.Stop(indexer);
            throw;
        }
        return new Mailbox(system, indexer, database, waiters, events);
    }

    /// <summary>The indexed directory (full path).</summary>
    public string Directory => _database.Directory;

    /// <summary>Messages matching <paramref name="query"/>, newest first, at most <paramref name="limit"/>, older than the message <paramref name="before"/> (a page's <see cref="MessagePage.Before"/>).</summary>
    /// <exception cref="ArgumentException">A bad filter, a limit below 1, or <paramref name="before"/> names no indexed message.</exception>
    public async Task<MessagePage> ListAsync(MessageQuery query, int limit, string? before, CancellationToken ct)
    {
        if (limit < 1)
            throw new ArgumentOutOfRangeException("limit", limit, "`limit` must be at least 1");
        var matcher = new MessageMatcher(query);
        return await Read(connection =>
        {
            var beforeSeq = before is null ? long.MaxValue
                : (IsId(before) ? IndexQueries.Find(connection, before)?.Seq : null) ?? throw new ArgumentException($"`before` names no message in the mailbox: {before}", "before");
            return IndexQueries.Page(connection, matcher, limit, beforeSeq);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The message with this id, or null.</summary>
    public Task<MessageSummary?> FindAsync(string id, CancellationToken ct) =>
        IsId(id) ? Read(connection => IndexQueries.Find(connection, id)?.Message.Summary(), ct) : Task.FromResult<MessageSummary?>(null);

    /// <summary>The path of the message's .eml, or null when the id is unknown.</summary>
    public string? EmlPath(string id)
    {
        if (!IsId(id))
            return null;
        using var connection = _database.OpenReader();
        return IndexQueries.Find(connection, id) is null ? null : StoredFiles.EmlPath(Directory, id);
    }

    /// <summary>
    /// Relays message <paramref name="id"/> to <paramref name="to"/> through <paramref name="target"/> and records it; null when
    /// the id is unknown. The outcome says whether the upstream took it.
    /// </summary>
    public async Task<Release.ReleaseRecord?> ReleaseAsync(string id, IReadOnlyList<string> to, Release.ReleaseTarget target, CancellationToken ct)
    {
        if (EmlPath(id) is null || StoredFiles.Envelope(Directory, id) is not { } envelope)
            return null;
        return await Release.MessageRelease.RunAsync(Directory, id, envelope, to, target, ct).ConfigureAwait(false);
    }

    /// <summary>The releases of message <paramref name="id"/> so far, oldest first.</summary>
    public IReadOnlyList<Release.ReleaseRecord> Releases(string id) => IsId(id) ? Release.MessageRelease.Read(Directory, id) : [];

    /// <summary>Deletes one message, files and index entry; false when the id is unknown.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct) =>
        IsId(id) && (await _indexer.Ask<DeletedCount>(new DeleteOne(id), ct).ConfigureAwait(false)).Count > 0;

    /// <summary>Deletes every message matching <paramref name="query"/> (<see cref="MessageQuery.All"/>: all), files and index entries; returns how many.</summary>
    public async Task<int> DeleteAsync(MessageQuery query, CancellationToken ct) =>
        (await _indexer.Ask<DeletedCount>(new DeleteMatching(new MessageMatcher(query)), ct).ConfigureAwait(false)).Count;

    /// <summary>
    /// The first message matching <paramref name="query"/> stored at or after <paramref name="since"/> (null: from this
    /// call on), as soon as it is indexed, or null after <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none).
    /// </summary>
    /// <remarks>Costs no thread while waiting. The waiter is registered before the index is searched for an earlier match, so none is missed.</remarks>
    public async Task<MessageSummary?> AwaitAsync(MessageQuery query, DateTimeOffset? since, TimeSpan timeout, CancellationToken ct)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "`timeout` must not be negative");
        var matcher = new MessageMatcher(query);
        var waiter = _waiters.Register(matcher, since);
        try
        {
            if (since is { } from && await Read(connection => IndexQueries.Oldest(connection, matcher, SeqKey.First(from)), ct).ConfigureAwait(false) is { } earlier)
                return earlier.Message.Summary();
            // The timeout starts after the look-up: one already stored is an answer, however short the timeout.
            using var timer = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout);
            using var timedOut = timer?.Token.Register(() => waiter.Result.TrySetResult(null));
            using var cancelled = ct.Register(() => waiter.Result.TrySetCanceled(ct));
            return await waiter.Result.Task.ConfigureAwait(false);
        }
        finally
        {
            _waiters.Remove(waiter);
        }
    }

    /// <summary>Every event from the first <c>MoveNextAsync</c> on, until <paramref name="ct"/> is cancelled; a subscriber 1 024 events behind is dropped (its stream ends).</summary>
    public IAsyncEnumerable<MailboxEvent> EventsAsync(CancellationToken ct) => _events.Subscribe(ct);

    /// <summary>Drops the index and builds it again from the files.</summary>
    public Task RebuildAsync(CancellationToken ct) => _indexer.Ask<Opened>(Rebuild.Instance, ct);

    /// <summary>Stops indexing, ends the waits (null) and the event streams, and closes the index.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _indexer.GracefulStop(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TaskCanceledException or AskTimeoutException)
        {
            _system.Stop(_indexer); // busy with a long rebuild: it stops after it
        }
        _waiters.ReleaseAll();
        _events.CompleteAll();
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(new Microsoft.Data.Sqlite.SqliteConnection(_database.ReadConnectionString));
    }

    private Task<T> Read<T>(Func<Microsoft.Data.Sqlite.SqliteConnection, T> query, CancellationToken ct) => Task.Run(() =>
    {
        using var connection = _database.OpenReader();
        return query(connection);
    }, ct);

    // The file sink's own rule for names it writes; anything else is no message of ours (and never a path).
    // As the file sink names files: a routed copy's id is "ID.1".
    private static bool IsId(string id) =>
        id.Length is > 0 and <= 128 && id[0] != '.' && id[^1] != '.' && !id.Contains("..", StringComparison.Ordinal)
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
