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
    private readonly GroupCommitter _committer;

    public GroupCommitterTests()
    {
        _committer = new GroupCommitter(_directory.Path, DiskFlush.FileSystem with
        {
            Directory = directory =>
            {
                _directoryFlushStarted.Release();
                _directoryFlushMayEnd.Wait(Patience);
                DiskFlush.FileSystem.Directory(directory);
            },
        });
    }

    [Fact]
    public async Task Messages_arriving_during_a_flush_commit_together_in_the_next_batch()
    {
        var first = _committer.CommitAsync(WrittenMessage(), CancellationToken.None);
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));

        var next = Enumerable.Range(0, 10).Select(_ => _committer.CommitAsync(WrittenMessage(), CancellationToken.None)).ToArray();
        _directoryFlushMayEnd.Set();
        await Task.WhenAll(next.Append(first)).WaitAsync(Patience);

        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 2, Messages: 11), _committer.Statistics);
        Assert.Equal(22, TemporaryDirectory.EntriesIn(_directory.Path).Length);
        Assert.DoesNotContain(TemporaryDirectory.EntriesIn(_directory.Path), name => name.EndsWith(".tmp"));
    }

    [Fact]
    public async Task Cancelling_a_waiting_message_withdraws_it_before_it_is_published()
    {
        var first = _committer.CommitAsync(WrittenMessage(), CancellationToken.None);
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));
        using var cancellation = new CancellationTokenSource();
        var withdrawn = WrittenMessage();
        var commit = _committer.CommitAsync(withdrawn, cancellation.Token);

        await cancellation.CancelAsync();
        _directoryFlushMayEnd.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit.WaitAsync(Patience));
        await first.WaitAsync(Patience);
        Assert.False(System.IO.File.Exists(withdrawn.EmlPath));
        Assert.False(System.IO.File.Exists(withdrawn.JsonPath));
        Assert.Equal(new FileSinkProtocol.CommitStatistics(Batches: 1, Messages: 1), _committer.Statistics);
        withdrawn.Discard();
        Assert.Equal(2, TemporaryDirectory.EntriesIn(_directory.Path).Length);
    }

    [Fact]
    public async Task Disposing_fails_waiting_messages_but_finishes_the_batch_in_flight()
    {
        var inFlight = _committer.CommitAsync(WrittenMessage(), CancellationToken.None);
        Assert.True(await _directoryFlushStarted.WaitAsync(Patience));
        var waiting = _committer.CommitAsync(WrittenMessage(), CancellationToken.None);

        _committer.Dispose();
        _directoryFlushMayEnd.Set();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience));
        await inFlight.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _committer.CommitAsync(WrittenMessage(), CancellationToken.None));
    }

    public void Dispose()
    {
        _directoryFlushMayEnd.Set();
        _committer.Dispose();
        _directory.Dispose();
    }

    private MessageFiles WrittenMessage()
    {
        var id = NewId();
        var files = new MessageFiles(_directory.Path, id);
        RandomAccess.Write(files.CreateEml(), Bytes($"Subject: {id}\r\n\r\n"), fileOffset: 0);
        files.WriteJson(Bytes("{}"));
        return files;
    }
}
