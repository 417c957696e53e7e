using ActorSmtp.Mailbox.Index;
using ActorSmtp.Mailbox.Retention;
using ActorSmtp.Sinks.File;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using static ActorSmtp.Mailbox.Live.MailboxIndexerProtocol;

namespace ActorSmtp.Mailbox.Live;

/// <summary>
/// The one writer of a mailbox's index. Owns the <see cref="MailboxStore"/> (the SQLite writer connection) and runs
/// on a pinned dispatcher, a thread of its own, because every SQLite call blocks.
/// </summary>
/// <remarks>
/// States: Opening (announcements that arrive are kept) and Running. It subscribes to the file sink's
/// <see cref="MessageStored"/> before reconciling, so nothing stored meanwhile is missed (inserts ignore known ids).
/// Batching: the first announcement of a batch sends <see cref="Flush"/> to itself; the announcements queued behind
/// it join the batch, which is indexed in one transaction; then waiters and subscribers are told and retention runs.
/// A slow disk makes batches bigger, not the SMTP side slower: the file sink only publishes. Started top-level by
/// <see cref="Mailbox"/>, which stops it; an exception while indexing is logged and the batch is dropped from the
/// index (its files stay; the next open's reconcile adds it).
/// </remarks>
internal sealed class MailboxIndexerActor : ReceiveActor, IWithTimers
{
    private readonly IndexDatabase _database;
    private readonly RetentionPolicy _retention;
    private readonly AwaitRegistry _waiters;
    private readonly EventHub _events;
    private readonly ILogger _log;
    private List<string> _pending = [];
    private MailboxStore? _store;

    public MailboxIndexerActor(IndexDatabase database, RetentionPolicy retention, AwaitRegistry waiters, EventHub events, ILogger log)
    {
        _database = database;
        _retention = retention;
        _waiters = waiters;
        _events = events;
        _log = log;
        Opening();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The pinned dispatcher of Akka's reference configuration: a dedicated thread per actor.</summary>
    public static Props Props(IndexDatabase database, RetentionPolicy retention, AwaitRegistry waiters, EventHub events, ILogger log) =>
        Akka.Actor.Props.Create(() => new MailboxIndexerActor(database, retention, waiters, events, log)).WithDispatcher("akka.io.pinned-dispatcher");

    private MailboxStore Store => _store!;

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(MessageStored));

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _store?.Dispose();
    }

    private void Opening()
    {
        Receive<MessageStored>(stored => Keep(stored));
        Receive<Open>(_ =>
        {
            if (Reply(() => Opened(MailboxStore.Open(_database, _log, CancellationToken.None))))
                Become(Running);
        });
    }

    private void Running()
    {
        Receive<MessageStored>(stored =>
        {
            if (Keep(stored) && _pending.Count == 1)
                Self.Tell(Flush.Instance);
        });
        Receive<Flush>(_ => IndexPending());
        Receive<DeleteOne>(delete => Reply(() => new DeletedCount(DeleteOne(delete.Id))));
        Receive<DeleteMatching>(delete => Reply(() => new DeletedCount(DeleteMatching(delete.Matcher))));
        Receive<Rebuild>(_ => Reply(() =>
        {
            Store.Rebuild(CancellationToken.None);
            _events.Publish(MailboxEvent.Cleared.Instance); // a subscriber reloads the list
            return new Opened(Store.Writer.Count);
        }));
        Receive<Purge>(_ => Purge());
    }

    private Opened Opened(MailboxStore store)
    {
        _store = store;
        if (_retention.Settings.MaxAge > TimeSpan.Zero)
            Timers.StartPeriodicTimer("expiry", MailboxIndexerProtocol.Purge.Instance, _retention.ExpiryInterval);
        Purge();
        if (_pending.Count > 0)
            Self.Tell(Flush.Instance);
        return new Opened(store.Writer.Count);
    }

    private bool Keep(MessageStored stored)
    {
        if (!string.Equals(Path.TrimEndingDirectorySeparator(stored.Directory), _database.Directory, StringComparison.Ordinal))
            return false; // another sink's folder
        _pending.Add(stored.Id);
        return true;
    }

    private void IndexPending()
    {
        var batch = _pending;
        _pending = [];
        try
        {
            var inserted = Store.Index(batch);
            _waiters.Offer(inserted, (text, seq) => IndexQueries.TextMatches(Store.Writer.Connection, text, seq));
            foreach (var row in inserted)
                _events.Publish(new MailboxEvent.Stored(row.Message.Summary()));
            Purge();
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "mailbox: indexing {Count} messages in {Directory} failed; they are found again at the next start", batch.Count, _database.Directory);
        }
    }

    private int DeleteOne(string id)
    {
        var row = IndexQueries.Find(Store.Writer.Connection, id);
        return row is { } found ? Announce(Store.Delete([found.Key])).Count : 0;
    }

    private int DeleteMatching(MessageMatcher matcher)
    {
        if (!matcher.Query.IsAll)
            return Announce(Store.Delete(matcher)).Count;
        var deleted = Store.Delete(Store.Writer.KeysById());
        _events.Publish(MailboxEvent.Cleared.Instance);
        return deleted.Count;
    }

    private void Purge()
    {
        try
        {
            var victims = _retention.Victims(Store.Writer, DateTimeOffset.UtcNow);
            if (victims.Count == 0)
                return;
            var purged = Announce(Store.Delete(victims));
            MailboxMetrics.Purged.Add(purged.Count);
            _log.LogInformation("mailbox: retention removed {Count} messages ({Bytes} bytes) from {Directory}; {Left} left ({LeftBytes} bytes)",
                purged.Count, purged.Sum(key => key.Size), _database.Directory, Store.Writer.Count, Store.Writer.Size);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "mailbox: retention in {Directory} failed", _database.Directory);
        }
    }

    private List<IndexKey> Announce(List<IndexKey> deleted)
    {
        foreach (var key in deleted)
            _events.Publish(new MailboxEvent.Deleted(key.Id));
        return deleted;
    }

    /// <summary>Replies with the answer, or with a failure the asker's task throws; true when it answered.</summary>
    private bool Reply(Func<object> answer)
    {
        try
        {
            Sender.Tell(answer());
            return true;
        }
        catch (Exception ex)
        {
            Sender.Tell(new Status.Failure(ex));
            return false;
        }
    }
}
