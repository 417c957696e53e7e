namespace ActorSmtp.Sinks.File;

/// <summary>
/// Makes messages durable in batches (group commit), so that durability costs one disk flush per batch
/// instead of one serial flush per message.
/// </summary>
/// <remarks>
/// One dedicated thread loops: it takes every message waiting at that moment, fsyncs their files,
/// renames them to their final names (.json first, the .eml last as the commit marker) and fsyncs the
/// directory once for the whole batch, then completes them all. Messages arriving meanwhile form the next
/// batch, so batches grow exactly when the disk is the bottleneck. RFC 5321 §6.1: after 250 the message
/// must survive a crash, hence nothing completes before the directory fsync.
/// Cancellation withdraws a message only while it waits; once its batch started it runs to the end, so a
/// store never reports failure for a message that then becomes visible. The committer never deletes
/// files: the store that owns a <see cref="MessageFiles"/> discards it when its commit fails.
/// </remarks>
internal sealed class GroupCommitter : IDisposable
{
    private readonly string _directory;
    private readonly DiskFlush _flush;
    private readonly object _gate = new();
    private List<Pending> _waiting = [];
    private bool _stopped;
    private long _batches;
    private long _messages;

    public GroupCommitter(string directory, DiskFlush flush)
    {
        _directory = directory;
        _flush = flush;
        new Thread(Run) { IsBackground = true, Name = $"file-sink-committer {directory}" }.Start();
    }

    public FileSinkProtocol.CommitStatistics Statistics =>
        new(Interlocked.Read(ref _batches), Interlocked.Read(ref _messages));

    /// <summary>Completes when the message is durable under its final names; fails if it is not.</summary>
    /// <remarks>The files' handles must be open and written; the committer flushes and closes them.</remarks>
    public async Task CommitAsync(MessageFiles files, CancellationToken cancellationToken)
    {
        var pending = new Pending(files);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _waiting.Add(pending);
            Monitor.Pulse(_gate);
        }
        await using var withdraw = cancellationToken.Register(() => Withdraw(pending, cancellationToken));
        await pending.Done.Task;
    }

    /// <summary>Fails every waiting message and ends the thread after the batch in flight, if any.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var pending in _waiting)
                pending.Done.TrySetException(new ObjectDisposedException(nameof(GroupCommitter), "the file sink stopped"));
            _waiting.Clear();
            Monitor.Pulse(_gate);
        }
    }

    private void Withdraw(Pending pending, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_waiting.Remove(pending))
                pending.Done.TrySetCanceled(cancellationToken);
        }
    }

    private void Run()
    {
        while (TakeBatch() is { } batch)
            Commit(batch);
    }

    private List<Pending>? TakeBatch()
    {
        lock (_gate)
        {
            while (_waiting.Count == 0 && !_stopped)
                Monitor.Wait(_gate);
            if (_stopped)
                return null;
            var batch = _waiting;
            _waiting = [];
            return batch;
        }
    }

    private void Commit(List<Pending> batch)
    {
        // 1. The data of every file, in one flush for the batch; if it fails, no file is known durable.
        try
        {
            _flush.Data(batch.SelectMany(pending => new[] { pending.Files.Eml!, pending.Files.Json! }).ToArray(), _directory);
        }
        catch (Exception ex)
        {
            batch.ForEach(pending => pending.Failure = ex);
        }
        batch.ForEach(pending => pending.Files.CloseHandles());

        // 2. The names, in batch order; each message's .eml name appears after its .json.
        foreach (var pending in batch)
            pending.Attempt(pending.Files.Publish);

        // 3. One directory fsync makes every rename of the batch durable. If it fails, none of them is
        //    known to be durable: all fail, and their owners remove the files (RFC 5321 §4.2.5: after a
        //    4yz the message must not be delivered).
        var published = batch.Where(pending => pending.Failure is null).ToList();
        if (published.Count > 0)
        {
            try
            {
                _flush.Directory(_directory);
            }
            catch (Exception ex)
            {
                published.ForEach(pending => pending.Failure = ex);
            }
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _messages, batch.Count(pending => pending.Failure is null));
        batch.ForEach(pending => pending.Complete());
    }

    private sealed class Pending(MessageFiles files)
    {
        public MessageFiles Files { get; } = files;

        // Continuations run on the thread pool, never on the committer thread.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; set; }

        public void Attempt(Action step)
        {
            if (Failure is not null)
                return;
            try
            {
                step();
            }
            catch (Exception ex)
            {
                Failure = ex;
            }
        }

        public void Complete()
        {
            if (Failure is null)
                Done.TrySetResult();
            else
                Done.TrySetException(Failure);
        }
    }
}
