using System.Collections.Concurrent;
using ActorSmtp.Sinks.File;
using Xunit;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>The committer alone, with a directory flush the test holds open to make batching deterministic.</summary>
public sealed class GroupCommitterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly TemporaryDirectory _directory = new();
    private readonly SemaphoreSlim _directoryFlushStarted = new(0);
    private readonly ManualResetEventSlim _directoryFlushMayEnd = new(false);
    private readonly List<GroupCommitter> _committers = [];
    private UnnamedFiles? _unnamedFiles;

    [Fact]
    public async Task Messages_arriving_during_a_flush_commit_together_in_the_next_batch()
    {
        var committer = HeldCommitter(threads: 1, maxBatch: 16);
        var first = committer.CommitAsync(WrittenMessage(), CancellationToken.None);
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));

        var next = Enumerable.Range(0, 10).Select(_ => committer.CommitAsync(WrittenMessage(), CancellationToken.None)).ToArray();
        _directoryFlushMayEnd.Set();
        await Task.WhenAll(next.Append(first)).WaitAsync(Patience);

        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 2, Messages: 11), committer.Statistics);
        Assert.Equal(22, TemporaryDirectory.EntriesIn(_directory.Path).Length);
        Assert.DoesNotContain(TemporaryDirectory.EntriesIn(_directory.Path), name => name.EndsWith(".tmp"));
    }

    [Fact]
    public async Task A_batch_takes_at_most_max_batch_messages()
    {
        var committer = HeldCommitter(threads: 1, maxBatch: 3);
        var first = committer.CommitAsync(WrittenMessage(), CancellationToken.None);
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));

        var next = Enumerable.Range(0, 7).Select(_ => committer.CommitAsync(WrittenMessage(), CancellationToken.None)).ToArray();
        _directoryFlushMayEnd.Set();
        await Task.WhenAll(next.Append(first)).WaitAsync(Patience);

        // 1, then 3 + 3 + 1 of the 7 that waited.
        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 4, Messages: 8), committer.Statistics);
    }

    [Fact]
    public async Task Idle_threads_commit_waiting_messages_concurrently_one_batch_each()
    {
        const int threads = 4;
        var committer = HeldCommitter(threads, maxBatch: 16);

        var commits = Enumerable.Range(0, threads).Select(_ => committer.CommitAsync(WrittenMessage(), CancellationToken.None)).ToArray();

        // Every thread is inside its own directory flush at the same time, none has completed a message.
        for (var i = 0; i < threads; i++)
            Assert.True(await _directoryFlushStarted.WaitAsync(Patience), $"{i} directory flushes started");
        Assert.DoesNotContain(commits, commit => commit.IsCompleted);
        _directoryFlushMayEnd.Set();
        await Task.WhenAll(commits).WaitAsync(Patience);
        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: threads, Messages: threads), committer.Statistics);
    }

    [Fact]
    public async Task Data_flush_then_renames_then_directory_flush_then_completion()
    {
        // The durability order: no final name before the data flush returned, both final names (and no
        // temporary one) before the directory flush, and the message completes only after that flush.
        var steps = new ConcurrentQueue<string>();
        var mayStart = new ManualResetEventSlim(false);
        Task? commit = null;
        var committer = Track(new GroupCommitter(_directory.Path, new DiskFlush(
            (files, _) =>
            {
                mayStart.Wait(Patience);
                steps.Enqueue($"data flush of {files.Count} files; entries: {Entries()}");
            },
            _ => steps.Enqueue($"directory flush; entries: {Entries()}; completed: {commit!.IsCompleted}"))));
        var message = WrittenMessage();
        var id = Path.GetFileNameWithoutExtension(message.EmlPath);

        commit = committer.CommitAsync(message, CancellationToken.None);
        mayStart.Set();
        await commit.WaitAsync(Patience);

        Assert.Equal(
            [
                $"data flush of 2 files; entries: .{id}.eml.tmp .{id}.json.tmp",
                $"directory flush; entries: {id}.eml {id}.json; completed: False",
            ],
            steps);
        return;

        string Entries() => string.Join(' ', TemporaryDirectory.EntriesIn(_directory.Path));
    }

    [Fact]
    public async Task Unnamed_files_have_no_entry_before_their_final_names_appear()
    {
        var steps = new ConcurrentQueue<string>();
        var committer = Track(new GroupCommitter(_directory.Path, new DiskFlush(
            (files, _) => steps.Enqueue($"data flush of {files.Count} files; entries: [{Entries()}]"),
            _ => steps.Enqueue($"directory flush; entries: [{Entries()}]"))));
        var message = WrittenMessage(unnamed: true);
        var id = Path.GetFileNameWithoutExtension(message.EmlPath);

        await committer.CommitAsync(message, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(["data flush of 2 files; entries: []", $"directory flush; entries: [{id}.eml {id}.json]"], steps);
        Assert.Equal($"Subject: {id}\r\n\r\n", System.IO.File.ReadAllText(message.EmlPath));
        Assert.Equal("{}", System.IO.File.ReadAllText(message.JsonPath));
        return;

        string Entries() => string.Join(' ', TemporaryDirectory.EntriesIn(_directory.Path));
    }

    [Fact]
    public void An_unnamed_file_that_is_discarded_leaves_nothing()
    {
        var message = WrittenMessage(unnamed: true);

        message.Discard();

        Assert.Empty(TemporaryDirectory.EntriesIn(_directory.Path));
    }

    [Fact]
    public async Task Cancelling_a_waiting_message_withdraws_it_before_it_is_published()
    {
        var committer = HeldCommitter(threads: 1, maxBatch: 16);
        var first = committer.CommitAsync(WrittenMessage(), CancellationToken.None);
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));
        using var cancellation = new CancellationTokenSource();
        var withdrawn = WrittenMessage();
        var commit = committer.CommitAsync(withdrawn, cancellation.Token);

        await cancellation.CancelAsync();
        _directoryFlushMayEnd.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit.WaitAsync(Patience));
        await first.WaitAsync(Patience);
        Assert.False(System.IO.File.Exists(withdrawn.EmlPath));
        Assert.False(System.IO.File.Exists(withdrawn.JsonPath));
        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 1, Messages: 1), committer.Statistics);
        withdrawn.Discard();
        Assert.Equal(2, TemporaryDirectory.EntriesIn(_directory.Path).Length);
    }

    [Fact]
    public async Task Disposing_fails_waiting_messages_but_finishes_the_batches_in_flight()
    {
        var committer = HeldCommitter(threads: 2, maxBatch: 16);
        var inFlight = new[]
        {
            committer.CommitAsync(WrittenMessage(), CancellationToken.None),
            committer.CommitAsync(WrittenMessage(), CancellationToken.None),
        };
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));
        var waiting = committer.CommitAsync(WrittenMessage(), CancellationToken.None);

        committer.Dispose();
        _directoryFlushMayEnd.Set();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience));
        await Task.WhenAll(inFlight).WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => committer.CommitAsync(WrittenMessage(), CancellationToken.None));
    }

    [Fact]
    public async Task With_a_flush_that_covers_names_the_next_flush_makes_them_durable()
    {
        // syncfs: the data flush, then the final names, then one more flush (no directory flush at all);
        // the message completes only after that second flush.
        var steps = new ConcurrentQueue<string>();
        var mayStart = new ManualResetEventSlim(false);
        Task? commit = null;
        var committer = Track(new GroupCommitter(_directory.Path, new DiskFlush(
            (files, _) =>
            {
                mayStart.Wait(Patience); // until the test holds the commit's task
                steps.Enqueue($"flush of {files.Count} files; entries: [{Entries()}]; completed: {commit!.IsCompleted}");
            },
            _ => steps.Enqueue("directory flush"),
            DataCoversNames: true), threads: 1, maxBatch: int.MaxValue));
        var message = WrittenMessage(unnamed: true);
        var id = Path.GetFileNameWithoutExtension(message.EmlPath);

        commit = committer.CommitAsync(message, CancellationToken.None);
        mayStart.Set();
        await commit.WaitAsync(Patience);

        Assert.Equal(
            [
                "flush of 2 files; entries: []; completed: False",
                $"flush of 0 files; entries: [{id}.eml {id}.json]; completed: False",
            ],
            steps);
        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 1, Messages: 1), committer.Statistics);
        return;

        string Entries() => string.Join(' ', TemporaryDirectory.EntriesIn(_directory.Path));
    }

    [Fact]
    public async Task With_a_flush_that_covers_names_one_flush_is_one_batch_names_and_the_next_batch_data()
    {
        // The first message's data flush is held; ten more arrive meanwhile. Three flushes in all: the
        // first's data; the first's names with the ten's data; the ten's names.
        var flushed = new ConcurrentQueue<int>();
        var started = new SemaphoreSlim(0);
        var mayEnd = new ManualResetEventSlim(false);
        var committer = Track(new GroupCommitter(_directory.Path, new DiskFlush(
            (files, _) =>
            {
                flushed.Enqueue(files.Count);
                started.Release();
                mayEnd.Wait(Patience);
            },
            _ => throw new InvalidOperationException("not used when the data flush covers names"),
            DataCoversNames: true), threads: 1, maxBatch: int.MaxValue));
        var first = committer.CommitAsync(WrittenMessage(unnamed: true), CancellationToken.None);
        Assert.True(await started.WaitAsync(Patience));

        var next = Enumerable.Range(0, 10).Select(_ => committer.CommitAsync(WrittenMessage(unnamed: true), CancellationToken.None)).ToArray();
        mayEnd.Set();
        await Task.WhenAll(next.Append(first)).WaitAsync(Patience);

        Assert.Equal([2, 20, 0], flushed);
        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 2, Messages: 11), committer.Statistics);
        Assert.Equal(22, TemporaryDirectory.EntriesIn(_directory.Path).Length);
    }

    [Fact]
    public async Task With_a_flush_that_covers_names_disposing_still_makes_a_published_batch_durable()
    {
        // Disposed during the data flush: the names still appear, and one more flush makes them durable.
        var flushes = 0;
        var dataFlushStarted = new SemaphoreSlim(0);
        var dataFlushMayEnd = new ManualResetEventSlim(false);
        var committer = Track(new GroupCommitter(_directory.Path, new DiskFlush(
            (_, _) =>
            {
                if (Interlocked.Increment(ref flushes) != 1)
                    return;
                dataFlushStarted.Release();
                dataFlushMayEnd.Wait(Patience);
            },
            _ => { },
            DataCoversNames: true), threads: 1, maxBatch: int.MaxValue));
        var message = WrittenMessage(unnamed: true);
        var commit = committer.CommitAsync(message, CancellationToken.None);
        Assert.True(await dataFlushStarted.WaitAsync(Patience));

        committer.Dispose();
        dataFlushMayEnd.Set();

        await commit.WaitAsync(Patience);
        Assert.True(System.IO.File.Exists(message.EmlPath));
        Assert.Equal(2, Volatile.Read(ref flushes));
    }

    public void Dispose()
    {
        _directoryFlushMayEnd.Set();
        _committers.ForEach(committer => committer.Dispose());
        _unnamedFiles?.Dispose();
        _directory.Dispose();
    }

    /// <summary>A committer whose directory flushes signal their start and then wait for the test.</summary>
    private GroupCommitter HeldCommitter(int threads, int maxBatch) => Track(new GroupCommitter(
        _directory.Path,
        DiskFlush.PerFile with
        {
            Directory = directory =>
            {
                _directoryFlushStarted.Release();
                _directoryFlushMayEnd.Wait(Patience);
                DiskFlush.PerFile.Directory(directory);
            },
        },
        threads,
        maxBatch));

    private UnnamedFiles UnnamedFilesOfDirectory() =>
        _unnamedFiles ??= UnnamedFiles.TryOpen(_directory.Path) ?? throw new InvalidOperationException("no O_TMPFILE here");

    private GroupCommitter Track(GroupCommitter committer)
    {
        _committers.Add(committer);
        return committer;
    }

    // Named temporaries by default, so that every step of a commit shows in the directory listing.
    private MessageFiles WrittenMessage(bool unnamed = false)
    {
        var id = NewId();
        var files = new MessageFiles(_directory.Path, id, unnamed ? UnnamedFilesOfDirectory() : null);
        RandomAccess.Write(files.CreateEml(), Bytes($"Subject: {id}\r\n\r\n"), fileOffset: 0);
        files.WriteJson(Bytes("{}"));
        return files;
    }
}
