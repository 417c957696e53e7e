using System.Collections.Concurrent;
using ActorSmtp.Sinks.File;
using Xunit;
using static ActorSmtp.Sinks.Tests.File.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>The committer alone, with a directory flush the test holds open to make batching deterministic.</summary>
public sealed class GroupCommitterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly TemporaryDirectory _directory = new();
    private readonly SemaphoreSlim _directoryFlushStarted = new(0);
    private readonly ManualResetEventSlim _directoryFlushMayEnd = new(false);
    private readonly List<GroupCommitter> _committers = [];

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

    public void Dispose()
    {
        _directoryFlushMayEnd.Set();
        _committers.ForEach(committer => committer.Dispose());
        _directory.Dispose();
    }

    /// <summary>A committer whose directory flushes signal their start and then wait for the test.</summary>
    private GroupCommitter HeldCommitter(int threads, int maxBatch) => Track(new GroupCommitter(
        _directory.Path,
        DiskFlush.FileSystem with
        {
            Directory = directory =>
            {
                _directoryFlushStarted.Release();
                _directoryFlushMayEnd.Wait(Patience);
                DiskFlush.FileSystem.Directory(directory);
            },
        },
        threads,
        maxBatch));

    private GroupCommitter Track(GroupCommitter committer)
    {
        _committers.Add(committer);
        return committer;
    }

    // Named temporaries, so that every step of a commit shows in the directory listing.
    private MessageFiles WrittenMessage(bool unnamed = false)
    {
        var id = NewId();
        var files = new MessageFiles(_directory.Path, id, unnamed);
        RandomAccess.Write(files.CreateEml(), Bytes($"Subject: {id}\r\n\r\n"), fileOffset: 0);
        files.WriteJson(Bytes("{}"));
        return files;
    }
}
