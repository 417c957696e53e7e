using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// Stores each message as two files in one directory: <c>&lt;id&gt;.eml</c>, exactly the bytes received,
/// and <c>&lt;id&gt;.json</c>, the envelope. Replies <see cref="SinkProtocol.Stored"/> only once both are
/// durable on disk.
/// </summary>
/// <remarks>
/// <para>
/// Configured by its HOCON block: <c>{ type = file, directory = "mail", sync = files, temporary-files = unnamed }</c>. A relative
/// directory is resolved against the working directory; it is created if missing. <c>sync</c> chooses how a
/// batch's data reaches the disk: <c>files</c> (an fsync per file, the default) or <c>filesystem</c> (one
/// syncfs per batch: much cheaper on a spool volume of its own, much dearer on a busy shared one).
/// </para>
/// <para>
/// RFC 5321 §6.1: a 250 after DATA promises the message survives a crash. So the body streams into a
/// temporary file, the envelope goes beside it, and a group committer flushes a whole batch of them, gives
/// the .json and then the .eml their final names and fsyncs the directory before the reply. Temporary
/// files have no name at all where Linux's O_TMPFILE works (<c>temporary-files = unnamed</c>, the
/// default; a crash leaves nothing), else a hidden one (<c>.&lt;id&gt;.eml.tmp</c>, renamed). The final name of the .eml is the commit marker: whoever sees it can read the .json. If the
/// body stream fails (size overrun, bare LF, client gone, timeout), the store is cancelled, or any disk
/// step fails, every file of the message is removed and the reply is a
/// <see cref="SinkProtocol.TemporaryFailure"/> (451 4.3.0), or <see cref="SinkProtocol.Abandoned"/> when the
/// client caused the failure (<see cref="MessageBodyException.IsClientFault"/>), which is not the sink's.
/// </para>
/// <para>
/// Each final store is published as a <see cref="MessageStored"/> on the actor system's event stream, after
/// the commit and the late-store check, for readers of the folder (the mailbox's index).
/// </para>
/// </remarks>
public sealed class FileSink : MessageSinkActor, IValidatesConfig
{
    // Design: the actor owns the directory and one GroupCommitter (its thread lives and dies with the
    // actor). Stores run concurrently (the base pipes each result to its sender). Each body is read
    // without materializing a stream (see MessageBody), so a slow disk slows that client down
    // (backpressure); fsync and rename happen on the committer's threads.
    private const int MaxMessageIdLength = 128;

    /// <summary>While temporary files are named for want of O_TMPFILE, how often a store tries unnamed ones again.</summary>
    internal static readonly TimeSpan UnnamedRetryInterval = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly bool _unnamedWanted;
    private UnnamedFiles? _unnamed;
    private long _nextUnnamedTry;
    private readonly GroupCommitter _committer;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Captured here: StoreAsync's continuations run off the actor's context, where Context is not available.
    private readonly EventStream _events = Context.System.EventStream;
    // Stores that succeeded, until their answer is told (OnAnswered): a few entries, one per store in flight.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, MessageStored> _final = new();

    /// <summary>Creates the sink from its HOCON block.</summary>
    /// <param name="config">The sink's block; <c>directory</c> is required.</param>
    /// <exception cref="ConfigurationException"><c>directory</c> is missing or empty.</exception>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    public FileSink(Config config)
        : this(config, DiskFlush.Named(config.GetString("sync", "files")))
    {
    }

    internal FileSink(Config config, DiskFlush flush)
    {
        _directory = Path.GetFullPath(RequiredDirectory(config));
        Directory.CreateDirectory(_directory);
        RemoveDebris(_directory, _log);
        _unnamedWanted = UnnamedWanted(config);
        OpenUnnamed();
        // syncfs flushes the whole file system, so concurrent ones would repeat each other's work: one at a
        // time, each for every message waiting (the batches grow while it runs), pipelined (see DiskFlush).
        _committer = flush.DataCoversNames
            ? new GroupCommitter(_directory, flush, threads: 1, maxBatch: int.MaxValue)
            : new GroupCommitter(_directory, flush);
    }

    /// <summary>Checks the block as the constructors read it, creating nothing (start-up and check-config).</summary>
    /// <exception cref="ConfigurationException">A setting is missing or invalid.</exception>
    public static void ValidateConfig(Config config)
    {
        _ = RequiredDirectory(config);
        _ = DiskFlush.Named(config.GetString("sync", "files"));
        _ = UnnamedWanted(config);
    }

    private static string RequiredDirectory(Config config)
    {
        var directory = config.GetString("directory", null);
        return string.IsNullOrWhiteSpace(directory) ? throw new ConfigurationException("file sink: `directory` is required") : directory;
    }

    private static bool UnnamedWanted(Config config) => config.GetString("temporary-files", "unnamed") switch
    {
        "unnamed" => true,
        "named" => false,
        var other => throw new ConfigurationException($"file sink: `temporary-files` must be unnamed or named, not '{other}'"),
    };

    /// <summary>Temporary files older than this at start are debris of a crash (a store in flight is seconds old).</summary>
    internal static readonly TimeSpan DebrisAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Removes the temporary files a crash (kill -9, power loss) left behind: they never got a 250, their
    /// senders retried. Only old ones, so a second process on the same folder loses nothing in flight.
    /// </summary>
    internal static void RemoveDebris(string directory, ILoggingAdapter log)
    {
        var removed = 0;
        var before = DateTime.UtcNow - DebrisAge;
        foreach (var path in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            try
            {
                if (System.IO.File.GetLastWriteTimeUtc(path) >= before)
                    continue;
                System.IO.File.Delete(path);
                removed++;
            }
            catch (IOException)
            {
                // Gone meanwhile, or not ours to delete: harmless.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        if (removed > 0)
            log.Info("file sink: removed {0} temporary files left by an earlier crash in {1}", removed, directory);
    }

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        var id = store.MessageId;
        if (!IsSafeFileName(id))
            return new SinkProtocol.TemporaryFailure(id, $"file sink: message id \"{id}\" is not a safe file name");
        CheckDirectory();
        var files = new MessageFiles(_directory, id, _unnamed);
        try
        {
            var size = await WriteBodyAsync(store.Body, files, cancellationToken);
            files.WriteJson(EnvelopeDocument.Serialize(store.Envelope, store.Headers, size));
            await _committer.CommitAsync(files, cancellationToken);
            // A batch runs to its end even when the deadline passes meanwhile, but the client has had its
            // 451 then (the base answers a late store with a failure): take the message back, else it would
            // be delivered as well as retried. RFC 5321 §4.2.5: after a 4yz the message must not be delivered.
            cancellationToken.ThrowIfCancellationRequested();
            // Told to readers only once the client has its answer (OnAnswered): one told earlier could show mail
            // whose sender then got a 451, or answer a test's await before the 250 reached it.
            _final[id] = new MessageStored(_directory, id, files.EmlPath, files.JsonPath, size);
            return new SinkProtocol.Stored(id, files.EmlPath);
        }
        catch (MessageBodyException ex) when (ex.IsClientFault)
        {
            // The client broke the transaction off: nothing wrong here, and not worth a warning per client.
            files.Discard();
            return new SinkProtocol.Abandoned(id, ex.Cause);
        }
        catch (Exception ex)
        {
            files.Discard();
            _log.Warning("file sink: message {0} not stored: {1}", id, ex.Message);
            return new SinkProtocol.TemporaryFailure(id, $"file sink: {ex.Message}");
        }
    }

    /// <summary>Publishes the <see cref="MessageStored"/> of a store whose 250 is on its way; drops that of a late one.</summary>
    protected override void OnAnswered(SinkProtocol.Store store, SinkProtocol.Result result)
    {
        if (_final.TryRemove(store.MessageId, out var stored) && result is SinkProtocol.Stored)
            _events.Publish(stored);
    }

    protected override void OnOther(object message)
    {
        if (message is FileSinkProtocol.GetCommitStatistics)
            Sender.Tell(_committer.Statistics);
        else if (message is FileSinkProtocol.GetTemporaryFiles)
            Sender.Tell(new FileSinkProtocol.TemporaryFiles(Unnamed: _unnamed is not null));
        else
            Unhandled(message);
    }

    /// <summary>
    /// Before each store: the open directory must still be the one its path names (see
    /// <see cref="UnnamedFiles.IsStillAt"/>), else it is opened again, as at start; and a sink that fell
    /// back to named temporaries (a read-only folder at start) tries unnamed ones again, at most once per
    /// <see cref="UnnamedRetryInterval"/>. Named temporaries go by path and need neither.
    /// </summary>
    private void CheckDirectory()
    {
        if (_unnamed is { } unnamed && !unnamed.IsStillAt())
        {
            _log.Warning("file sink: {0} is no longer the directory opened at start (deleted, recreated or mounted over): opening it again", _directory);
            _unnamed = null;
            unnamed.Dispose(); // a store still linking through it fails (451) instead of writing out of sight
            OpenUnnamed();
        }
        else if (_unnamed is null && _unnamedWanted && Environment.TickCount64 >= _nextUnnamedTry)
        {
            OpenUnnamed();
            if (_unnamed is not null)
                _log.Info("file sink: temporary files in {0} are unnamed (O_TMPFILE) again", _directory);
        }
    }

    /// <summary>Unnamed temporary files in the directory (created if missing, as at start), else named ones.</summary>
    private void OpenUnnamed()
    {
        try
        {
            Directory.CreateDirectory(_directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Warning("file sink: cannot create {0}: {1}", _directory, ex.Message); // each store fails with 451 then
        }
        _unnamed = _unnamedWanted ? UnnamedFiles.TryOpen(_directory) : null;
        if (_unnamed is not null)
        {
            _namedLogged = false;
            return;
        }
        _nextUnnamedTry = Environment.TickCount64 + (long)UnnamedRetryInterval.TotalMilliseconds;
        if (!_namedLogged)
            _log.Info("file sink: temporary files in {0} are hidden names (.<id>.eml.tmp) renamed when complete", _directory);
        _namedLogged = true;
    }

    private bool _namedLogged;

    protected override void PostStop()
    {
        // The base cancels in-flight stores first, withdrawing those still waiting for a batch.
        base.PostStop();
        _committer.Dispose();
        // A batch still in flight fails to link its files now, and its owner discards them.
        _unnamed?.Dispose();
    }

    /// <summary>Writes the body into the temporary .eml chunk by chunk as it arrives, and returns its length.</summary>
    private static async Task<long> WriteBodyAsync(MessageBody body, MessageFiles files, CancellationToken cancellationToken)
    {
        var eml = files.CreateEml();
        long written = 0;
        // Page-cache writes of at most 16 KiB: short enough to do inline; the fsync is the committer's.
        await foreach (var chunk in body.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            RandomAccess.Write(eml, chunk.Span, written);
            written += chunk.Length;
        }
        return written;
    }

    // Ids come from the server ([0-9A-Z]{26}), but a file name built from outside input is checked anyway:
    // no separators, no dots (so no "..", no hidden names clashing with our temporaries), no control bytes.
    // Letters, digits, '-', '_' and inner dots: a routed copy is "ID.1" (the fan-out's copy ids), while a leading dot
    // (our temporaries, hidden files) and ".." stay out.
    private static bool IsSafeFileName(string id) =>
        id.Length is > 0 and <= MaxMessageIdLength && id[0] != '.' && id[^1] != '.' && !id.Contains("..", StringComparison.Ordinal)
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
