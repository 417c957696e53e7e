using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox;

/// <summary>
/// The index of one file sink's folder: lists, searches, awaits and deletes the messages stored there.
/// One per indexed directory; the HTTP API and the web page use only this.
/// </summary>
/// <remarks>
/// The folder stays the truth: the index (<c>.mailbox.sqlite</c> in it) is rebuilt from the <c>.eml</c>/<c>.json</c>
/// files when missing, stale or corrupt, and reconciled with them at open. A message is indexed when the file
/// sink publishes its <c>MessageStored</c> (after the rename that commits it), never before.
/// </remarks>
public sealed class Mailbox : IAsyncDisposable
{
    private Mailbox(string directory) => Directory = directory;

    /// <summary>Opens (creating, reconciling or rebuilding) the index of <paramref name="directory"/> and starts following its file sink.</summary>
    public static Task<Mailbox> OpenAsync(ActorSystem system, string directory, RetentionSettings retention, ILoggerFactory logging, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>The indexed directory (full path).</summary>
    public string Directory { get; }

    /// <summary>Messages matching <paramref name="query"/>, newest first, at most <paramref name="limit"/>, older than the id <paramref name="before"/>.</summary>
    public Task<MessagePage> ListAsync(MessageQuery query, int limit, string? before, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>The message with this id, or null.</summary>
    public Task<MessageSummary?> FindAsync(string id, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>The path of the message's .eml, or null when the id is unknown.</summary>
    public string? EmlPath(string id) => throw new NotImplementedException();

    /// <summary>Deletes one message, files and index row; false when the id is unknown.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>Deletes every message matching <paramref name="query"/> (<see cref="MessageQuery.All"/>: all); returns how many.</summary>
    public Task<int> DeleteAsync(MessageQuery query, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>
    /// The first message matching <paramref name="query"/> stored at or after <paramref name="since"/> (null: from now on),
    /// as soon as it is stored, or null after <paramref name="timeout"/>.
    /// </summary>
    public Task<MessageSummary?> AwaitAsync(MessageQuery query, DateTimeOffset? since, TimeSpan timeout, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>Every event from now on, until <paramref name="ct"/> is cancelled; a subscriber that falls behind misses events.</summary>
    public IAsyncEnumerable<MailboxEvent> EventsAsync(CancellationToken ct) => throw new NotImplementedException();

    /// <summary>Drops the index and builds it again from the files.</summary>
    public Task RebuildAsync(CancellationToken ct) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
