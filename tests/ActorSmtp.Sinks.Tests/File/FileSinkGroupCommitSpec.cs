using System.Collections.Concurrent;
using ActorSmtp.Sinks.File;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>
/// Many messages at once: all land intact, in batches of at most the committer's cap, .json before .eml, and
/// with failing flushes among concurrent batches, exactly the failed messages leave nothing behind.
/// </summary>
public sealed class FileSinkGroupCommitSpec(ITestOutputHelper output) : FileSinkSpecBase(output)
{
    [Fact]
    public async Task Concurrent_messages_all_land_intact()
    {
        const int count = 200;
        var sink = CreateSink(temporaryFiles: "named"); // named, so that the messages in flight can be counted
        var release = new TaskCompletionSource<bool>();
        var ids = Enumerable.Range(0, count).Select(_ => NewId()).ToArray();
        foreach (var id in ids)
            sink.Tell(Store(id, GatedBody(Bytes($"Subject: {id}\r\n\r\n"), release.Task, Bytes($"body of {id}\r\n"))), TestActor);

        // All 200 temporary files exist before any body completes: 200 messages in flight at once.
        await AwaitConditionAsync(() => Task.FromResult(MailEntries.Length == count), TimeSpan.FromSeconds(10));
        release.SetResult(true);
        var stored = new List<SinkProtocol.Stored>();
        for (var i = 0; i < count; i++)
            stored.Add(await ExpectMsgAsync<SinkProtocol.Stored>(TimeSpan.FromSeconds(10)));

        Assert.Equal(ids.Order(), stored.Select(result => result.MessageId).Order());
        foreach (var id in ids)
            Assert.Equal(Bytes($"Subject: {id}\r\n\r\nbody of {id}\r\n"), StoredBytes(id));
        Assert.Equal(2 * count, MailEntries.Length);
        sink.Tell(FileSinkProtocol.GetCommitStatistics.Instance, TestActor);
        var statistics = await ExpectMsgAsync<FileSinkProtocol.CommitStatistics>();
        Output.WriteLine($"{statistics.Messages} messages in {statistics.Batches} batches");
        Assert.Equal(count, statistics.Messages);
        // How many share a batch depends on the disk's speed (idle threads take one message each); the
        // batching itself is GroupCommitterTests' subject.
        Assert.InRange(statistics.Batches, count / GroupCommitter.DefaultMaxBatch, count);
    }

    [Fact]
    public async Task Under_concurrent_batches_a_failed_message_leaves_nothing_and_a_stored_one_everything()
    {
        // Every other directory flush fails, while other threads' batches rename and flush beside it.
        const int count = 120;
        var flushes = 0;
        var sink = CreateSink(DiskFlush.PerFile with
        {
            Directory = directory =>
            {
                DiskFlush.PerFile.Directory(directory);
                if (Interlocked.Increment(ref flushes) % 2 == 0)
                    throw new IOException("fsync(dir): EIO");
            },
        });
        var ids = Enumerable.Range(0, count).Select(_ => NewId()).ToArray();

        foreach (var id in ids)
            sink.Tell(Store(id, Bytes($"Subject: {id}\r\n\r\nbody\r\n")), TestActor);
        var results = new List<SinkProtocol.Result>();
        for (var i = 0; i < count; i++)
            results.Add(await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(10)));

        var stored = results.OfType<SinkProtocol.Stored>().Select(result => result.MessageId).ToHashSet();
        Assert.NotEmpty(stored);
        Assert.Equal(count - stored.Count, results.OfType<SinkProtocol.TemporaryFailure>().Count());
        Assert.Equal(stored.SelectMany(id => new[] { id + ".eml", id + ".json" }).Order(StringComparer.Ordinal), MailEntries);
        foreach (var id in stored)
            Assert.Equal(Bytes($"Subject: {id}\r\n\r\nbody\r\n"), StoredBytes(id));
    }

    [Fact]
    public async Task The_eml_never_appears_before_its_json()
    {
        // The .eml's final name is the commit marker: a reader that sees it must find the .json.
        const int count = 30;
        Directory.CreateDirectory(MailDirectory);
        var appeared = new ConcurrentQueue<string>();
        using var watcher = new FileSystemWatcher(MailDirectory) { NotifyFilter = NotifyFilters.FileName };
        watcher.Created += (_, e) => Record(e.Name);
        watcher.Renamed += (_, e) => Record(e.Name);
        watcher.EnableRaisingEvents = true;
        var sink = CreateSink();
        var ids = Enumerable.Range(0, count).Select(_ => NewId()).ToArray();

        foreach (var id in ids)
            sink.Tell(Store(id, Bytes($"Subject: {id}\r\n\r\nbody\r\n")), TestActor);
        for (var i = 0; i < count; i++)
            await ExpectMsgAsync<SinkProtocol.Stored>();

        await AwaitConditionAsync(() => Task.FromResult(appeared.Count >= 2 * count));
        var order = appeared.ToList();
        foreach (var id in ids)
            Assert.True(order.IndexOf(id + ".json") is var json and >= 0 && json < order.IndexOf(id + ".eml"), $"{id}: {string.Join(", ", order)}");
        return;

        void Record(string? name)
        {
            if (name is not null && !name.StartsWith('.'))
                appeared.Enqueue(name);
        }
    }

    [Fact]
    public async Task A_message_whose_batch_outlives_its_deadline_is_taken_back()
    {
        // The deadline passes while the batch is flushing: the batch still runs to its end, but the client
        // has had its 451, so the message must not stay visible (RFC 5321 §4.2.5).
        using var flushing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var slow = DiskFlush.PerFile with
        {
            Data = (files, directory) =>
            {
                flushing.Set();
                release.Wait(TimeSpan.FromSeconds(10));
                DiskFlush.PerFile.Data(files, directory);
            },
        };
        var id = NewId();

        CreateSink(slow).Tell(Store(id, Bytes("Subject: late\r\n\r\nbody\r\n")) with { Timeout = TimeSpan.FromMilliseconds(300) }, TestActor);
        Assert.True(flushing.Wait(TimeSpan.FromSeconds(5)));
        await Task.Delay(600); // past the deadline, inside the batch
        release.Set();

        var failure = await ExpectMsgAsync<SinkProtocol.TemporaryFailure>(TimeSpan.FromSeconds(5));
        Assert.Equal(id, failure.MessageId);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Empty(MailEntries);
    }
}
