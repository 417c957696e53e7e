using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// Makes messages durable in batches (group commit) on several threads at once, so that durability costs
/// a few concurrent disk flushes per batch instead of serial flushes per message.
/// </summary>
/// <remarks>
/// <para>
/// Each of a fixed set of dedicated threads loops: it takes its share of the messages waiting at that
/// moment (at most <c>maxBatch</c>), fsyncs their files, gives them their final names (.json first, the
/// .eml last as the commit marker), fsyncs the directory once for the batch, then completes them all.
/// RFC 5321 §6.1: after 250 the message must survive a crash, hence nothing completes before the
/// directory fsync that follows its renames. Batches on different threads are independent: each one's
/// directory fsync is issued after its own renames, so it covers them whatever the other threads do.
/// </para>
/// <para>
/// Why several threads: an fsync waits for the device, and on this shared volume one takes 0.1–2 ms. One
/// thread flushing file after file leaves the device idle between requests and stalls every message
/// behind the slowest flush; concurrent fsyncs are queued together (the block layer merges their cache
/// flushes; on a journalled file system jbd2 also commits them together). Raw disk on the dev box (ext4,
/// 5000 messages of two files, batches of 128): 3000–3400 msg/s with one flushing thread, 7000–7500
/// with 32 (load-tests/BENCHMARKS.md).
/// </para>
/// <para>
/// A thread takes an even share of what waits among the idle threads, so 16 waiting messages and 16 idle
/// threads give 16 batches of one: maximum concurrency while threads are free. When all are busy,
/// messages queue and the next free thread takes up to <c>maxBatch</c>: batches grow exactly when the
/// disk is the bottleneck, and the cap keeps one batch's serial fsyncs short.
/// </para>
/// <para>
/// With <c>sync = filesystem</c> one thread commits unbounded batches, pipelined: a syncfs flushes the
/// whole file system, directories included, so one flush makes one batch's data and the previous batch's
/// names durable (see <see cref="DiskFlush.DataCoversNames"/>).
/// </para>
/// <para>
/// Cancellation withdraws a message only while it waits; once its batch started it runs to the end, so a
/// store never reports failure for a message that then becomes visible. The committer never deletes
/// files: the store that owns a <see cref="MessageFiles"/> discards it when its commit fails.
/// </para>
/// </remarks>
internal sealed class GroupCommitter : IDisposable
{
    /// <summary>Concurrent batches; 32 × 4 covers 128 sessions without queueing.</summary>
    public const int DefaultThreads = 32;

    /// <summary>Most messages per batch: 8 serial fsyncs, then one directory fsync.</summary>
    public const int DefaultMaxBatch = 4;

    private readonly string _directory;
    private readonly DiskFlush _flush;
    private readonly int _maxBatch;
    private readonly object _gate = new();
    private readonly List<Pending> _waiting = [];
    private int _idle;
    private bool _stopped;
    private long _batches;
    private long _messages;

    public GroupCommitter(string directory, DiskFlush flush, int threads = DefaultThreads, int maxBatch = DefaultMaxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _directory = directory;
        _flush = flush;
        _maxBatch = maxBatch;
        // The threads only wait on the disk: a small stack each.
        for (var i = 0; i < threads; i++)
            new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = $"file-sink-committer {i}" }.Start();
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

    /// <summary>Fails every waiting message and ends the threads after the batches in flight, if any.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var pending in _waiting)
                pending.Done.TrySetException(new ObjectDisposedException(nameof(GroupCommitter), "the file sink stopped"));
            _waiting.Clear();
            Monitor.PulseAll(_gate);
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
        if (_flush.DataCoversNames)
            RunPipelined();
        else
            while (TakeBatch(wait: true) is { } batch)
                Commit(batch);
    }

    /// <summary>
    /// With a flush that covers names too (syncfs), each flush is one batch's data and the previous batch's
    /// names: half the flushes per message of flushing data, then the directory. The order per message is
    /// the same: data durable → final names → a flush → complete.
    /// </summary>
    private void RunPipelined()
    {
        List<Pending> named = []; // published; the next flush makes their names durable
        while (TakeBatch(wait: named.Count == 0) is var batch && (batch is not null || named.Count > 0))
        {
            batch ??= [];
            var failure = FlushData(batch);
            named.ForEach(pending => pending.Failure ??= failure);
            Finish(named);
            Publish(batch); // skips the failed
            named = batch.Where(pending => pending.Failure is null).ToList();
            Finish(batch.Where(pending => pending.Failure is not null).ToList());
        }
    }

    /// <summary>Takes the next batch; null once stopped, and empty when nothing waits and <paramref name="wait"/> is false.</summary>
    private List<Pending>? TakeBatch(bool wait)
    {
        lock (_gate)
        {
            _idle++;
            while (wait && _waiting.Count == 0 && !_stopped)
                Monitor.Wait(_gate);
            _idle--;
            if (_stopped)
                return null;
            // An even share among the idle threads and this one, rounded up.
            var share = Math.Min(_maxBatch, (_waiting.Count + _idle) / (_idle + 1));
            var batch = _waiting.GetRange(0, share);
            _waiting.RemoveRange(0, share);
            if (_waiting.Count > 0)
                Monitor.Pulse(_gate); // the next idle thread takes its share of the rest
            return batch;
        }
    }

    private void Commit(List<Pending> batch)
    {
        // 1. The data of every file, in one flush for the batch; if it fails, no file is known durable.
        FlushData(batch);

        // 2. The names, in batch order.
        Publish(batch);

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
        Finish(batch);
    }

    /// <summary>Flushes the data of the batch's files; on failure the whole batch fails. Returns the failure, if any.</summary>
    private Exception? FlushData(List<Pending> batch)
    {
        try
        {
            _flush.Data(FilesOf(batch), _directory);
            return null;
        }
        catch (Exception ex)
        {
            batch.ForEach(pending => pending.Failure = ex);
            return ex;
        }
    }

    private static SafeFileHandle[] FilesOf(List<Pending> batch)
    {
        var files = new SafeFileHandle[batch.Count * 2];
        for (var i = 0; i < batch.Count; i++)
            (files[2 * i], files[2 * i + 1]) = (batch[i].Files.Eml!, batch[i].Files.Json!);
        return files;
    }

    /// <summary>
    /// Gives the batch's messages (those not failed) their final names, in batch order; each message's
    /// .eml name appears after its .json. Then every handle closes (not before: an unnamed temporary file
    /// is linked through its descriptor).
    /// </summary>
    private static void Publish(List<Pending> batch)
    {
        foreach (var pending in batch)
            pending.Attempt(pending.Files.Publish);
        batch.ForEach(pending => pending.Files.CloseHandles());
    }

    private void Finish(List<Pending> batch)
    {
        if (batch.Count == 0)
            return;
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
