using System.Collections.Concurrent;
using ActorSmtp.Sinks.File;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Tests.File.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>Many messages at once: all land intact, in fewer commit batches than messages, .json before .eml.</summary>
public sealed class FileSinkGroupCommitSpec(ITestOutputHelper output) : FileSinkSpecBase(output)
{
    [Fact]
    public async Task Concurrent_messages_all_land_and_share_directory_flushes()
    {
        const int count = 200;
        var sink = CreateSink();
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
        Assert.InRange(statistics.Batches, 1, count / 2);
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
