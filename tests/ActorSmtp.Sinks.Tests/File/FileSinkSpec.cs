using System.Security.Cryptography;
using ActorSmtp.Sinks.File;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>What lands on disk, and what never does: exact bytes, failures, unsafe ids, the directory.</summary>
public sealed class FileSinkSpec(ITestOutputHelper output) : FileSinkSpecBase(output)
{
    [Fact]
    public async Task Stores_exactly_the_bytes_of_the_body_stream()
    {
        // Reliability anchors §9: the stored file equals the unstuffed DATA bytes, CRLF and the last
        // line's CRLF included; a lone CR, a lone LF, NUL and 0xFF pass through untouched.
        byte[][] chunks =
        [
            Bytes("Subject: exact\r\n\r\n"),
            Bytes("lone CR\rhere"),
            Bytes("\n"),
            [0x00, 0xFF, 0x0D],
            Bytes("\n.leading dot kept\r\n"),
            Bytes("last line\r\n"),
        ];
        var id = NewId();
        var sink = CreateSink();

        var stored = await StoreAsync(sink, Store(id, chunks));

        Assert.Equal(id, stored.MessageId);
        Assert.Equal(Path.Combine(MailDirectory, id + ".eml"), stored.Location);
        Assert.Equal(chunks.SelectMany(chunk => chunk).ToArray(), StoredBytes(id));
        Assert.Equal([id + ".eml", id + ".json"], MailEntries);
    }

    [Fact]
    public async Task Streams_a_large_body_of_many_chunks()
    {
        const int chunkSize = 64 * 1024, chunkCount = 128; // 8 MiB, generated as it is consumed
        var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = MessageBody.FromChunks(Enumerable.Range(0, chunkCount).Select(index =>
        {
            var chunk = new byte[chunkSize];
            new Random(index).NextBytes(chunk);
            expected.AppendData(chunk);
            return (ReadOnlyMemory<byte>)chunk;
        }).ToArray());
        var id = NewId();

        await StoreAsync(CreateSink(), Store(id, body));

        var bytes = StoredBytes(id);
        Assert.Equal(chunkSize * chunkCount, bytes.Length);
        Assert.Equal(expected.GetHashAndReset(), SHA256.HashData(bytes));
    }

    [Fact]
    public async Task A_body_stream_that_fails_midway_leaves_no_file_at_all()
    {
        // The server fails the body on a size overrun, bare LF, timeout or lost client.
        var body = FailingBody(new IOException("client went away"), Bytes("Subject: doomed\r\n\r\n"), Bytes("half a line"));
        var id = NewId();

        CreateSink().Tell(Store(id, body), TestActor);

        var failure = await ExpectMsgAsync<SinkProtocol.TemporaryFailure>();
        Assert.Equal(id, failure.MessageId);
        Assert.Contains("client went away", failure.Reason);
        Assert.Empty(MailEntries);
    }

    [Fact]
    public async Task A_partial_body_has_no_name_at_all_until_it_is_stored()
    {
        var release = new TaskCompletionSource<bool>();
        var id = NewId();
        var sink = CreateSink();

        sink.Tell(Store(id, GatedBody(Bytes("first half\r\n"), release.Task, Bytes("second half\r\n"))), TestActor);

        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // the first half is written by now
        Assert.Empty(MailEntries);
        await ReleaseAndExpectBothHalvesStoredAsync(release, id);
    }

    [Fact]
    public async Task With_named_temporary_files_a_partial_body_is_only_ever_under_a_hidden_name()
    {
        var release = new TaskCompletionSource<bool>();
        var id = NewId();

        CreateSink(temporaryFiles: "named").Tell(Store(id, GatedBody(Bytes("first half\r\n"), release.Task, Bytes("second half\r\n"))), TestActor);

        await AwaitAssertAsync(() => Assert.Equal([$".{id}.eml.tmp"], MailEntries));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal([$".{id}.eml.tmp"], MailEntries);
        await ReleaseAndExpectBothHalvesStoredAsync(release, id);
    }

    [Fact]
    public async Task Stopping_the_sink_mid_body_fails_the_store_and_removes_its_file()
    {
        var never = new TaskCompletionSource<bool>();
        var id = NewId();
        var sink = CreateSink(temporaryFiles: "named"); // a name to watch the body grow under
        sink.Tell(Store(id, GatedBody(Bytes("started\r\n"), never.Task, [])), TestActor);
        var temporary = Path.Combine(MailDirectory, $".{id}.eml.tmp");
        await AwaitAssertAsync(() => Assert.Equal(9, new FileInfo(temporary).Length)); // mid-body

        Sys.Stop(sink);

        Assert.Equal(id, (await ExpectMsgAsync<SinkProtocol.TemporaryFailure>()).MessageId);
        Assert.Empty(MailEntries);
    }

    [Fact]
    public async Task Stopping_the_sink_before_the_body_stream_started_still_answers_and_cleans_up()
    {
        // The poison pill is handled right after the store, before any body chunk has arrived.
        var id = NewId();
        var sink = CreateSink();

        sink.Tell(Store(id, GatedBody([], new TaskCompletionSource<bool>().Task, [])), TestActor);
        sink.Tell(PoisonPill.Instance);

        Assert.Equal(id, (await ExpectMsgAsync<SinkProtocol.TemporaryFailure>()).MessageId);
        Assert.Empty(MailEntries);
    }

    [Theory]
    [InlineData("../ESCAPE")]
    [InlineData("/../ESCAPE")]
    [InlineData("A/B")]
    [InlineData("A\\B")]
    [InlineData("..")]
    [InlineData(".HIDDEN")]
    [InlineData("A\0B")]
    [InlineData("")]
    public async Task Refuses_a_message_id_that_is_not_a_plain_file_name(string id)
    {
        CreateSink().Tell(Store(id, Bytes("Subject: x\r\n\r\nbody\r\n")), TestActor);

        Assert.Equal(id, (await ExpectMsgAsync<SinkProtocol.TemporaryFailure>()).MessageId);
        Assert.Empty(MailEntries);
        Assert.Equal(["mail"], TemporaryDirectory.EntriesIn(Root));
    }

    [Fact]
    public async Task Creates_a_missing_directory_and_resolves_a_relative_one_against_the_working_directory()
    {
        var nested = Path.Combine(Root, "relative", "deeper");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, nested);
        Assert.False(Path.IsPathRooted(relative));
        var sink = Sys.ActorOf(Props.Create(typeof(FileSink), SinkConfig(relative)));
        var id = NewId();

        sink.Tell(Store(id, Bytes("x\r\n")), TestActor);

        Assert.Equal(Path.Combine(nested, id + ".eml"), (await ExpectMsgAsync<SinkProtocol.Stored>()).Location);
        Assert.Equal(Bytes("x\r\n"), System.IO.File.ReadAllBytes(Path.Combine(nested, id + ".eml")));
    }

    [Theory]
    [InlineData("files", "unnamed")]
    [InlineData("filesystem", "unnamed")]
    [InlineData("files", "named")]
    [InlineData("filesystem", "named")]
    public async Task Stores_with_every_sync_and_temporary_files_mode(string sync, string temporaryFiles)
    {
        var config = ConfigurationFactory.ParseString($"sync = {sync}\ntemporary-files = {temporaryFiles}").WithFallback(SinkConfig(MailDirectory));
        var id = NewId();

        await StoreAsync(Sys.ActorOf(Props.Create(typeof(FileSink), config)), Store(id, Bytes("Subject: s\r\n\r\nbody\r\n")));

        Assert.Equal("Subject: s\r\n\r\nbody\r\n", System.Text.Encoding.ASCII.GetString(StoredBytes(id)));
        Assert.Equal([id + ".eml", id + ".json"], MailEntries); // no temporary left, named or probe
    }

    [Fact]
    public async Task Does_not_start_with_an_unknown_sync_mode()
    {
        var config = ConfigurationFactory.ParseString("sync = sometimes").WithFallback(SinkConfig(MailDirectory));
        var sink = Sys.ActorOf(Props.Create(typeof(FileSink), config));
        Watch(sink);

        await ExpectTerminatedAsync(sink);
    }

    [Fact]
    public async Task Does_not_start_with_an_unknown_temporary_files_mode()
    {
        var config = ConfigurationFactory.ParseString("temporary-files = invisible").WithFallback(SinkConfig(MailDirectory));
        var sink = Sys.ActorOf(Props.Create(typeof(FileSink), config));
        Watch(sink);

        await ExpectTerminatedAsync(sink);
    }

    [Fact]
    public async Task Does_not_start_without_a_directory()
    {
        var sink = Sys.ActorOf(Props.Create(typeof(FileSink), ConfigurationFactory.ParseString("type = file")));
        Watch(sink);

        await ExpectTerminatedAsync(sink);
    }

    [Fact]
    public async Task A_failing_file_flush_fails_the_store_and_removes_its_files()
    {
        var sink = CreateSink(DiskFlush.FileSystem with { Data = (_, _) => throw new IOException("fsync: EIO") });
        var id = NewId();

        sink.Tell(Store(id, Bytes("Subject: x\r\n\r\nbody\r\n")), TestActor);

        Assert.Contains("EIO", (await ExpectMsgAsync<SinkProtocol.TemporaryFailure>()).Reason);
        Assert.Empty(MailEntries);
    }

    [Fact]
    public async Task A_failing_directory_flush_fails_the_store_and_removes_the_renamed_files()
    {
        // The renames already happened but are not known to be durable: RFC 5321 §4.2.5, a message
        // answered with 4yz must not be delivered, so its final files go too.
        var renamed = new List<string>();
        var sink = CreateSink(DiskFlush.PerFile with
        {
            Directory = directory =>
            {
                renamed.AddRange(TemporaryDirectory.EntriesIn(directory));
                throw new IOException("fsync(dir): EIO");
            },
        });
        var id = NewId();

        sink.Tell(Store(id, Bytes("Subject: x\r\n\r\nbody\r\n")), TestActor);

        await ExpectMsgAsync<SinkProtocol.TemporaryFailure>();
        Assert.Equal([id + ".eml", id + ".json"], renamed);
        Assert.Empty(MailEntries);
    }

    [Fact]
    public async Task With_sync_filesystem_a_failing_flush_after_the_names_fails_the_store_and_removes_them()
    {
        // sync = filesystem: the flush after the names appeared is what makes them durable.
        var named = new List<string>();
        var flushes = 0;
        var sink = CreateSink(DiskFlush.FileSystem with
        {
            Data = (files, directory) =>
            {
                if (++flushes == 1)
                    return;
                named.AddRange(TemporaryDirectory.EntriesIn(directory));
                throw new IOException("syncfs: EIO");
            },
        });
        var id = NewId();

        sink.Tell(Store(id, Bytes("Subject: x\r\n\r\nbody\r\n")), TestActor);

        Assert.Contains("EIO", (await ExpectMsgAsync<SinkProtocol.TemporaryFailure>()).Reason);
        Assert.Equal([id + ".eml", id + ".json"], named);
        Assert.Empty(MailEntries);
    }

    [Fact]
    public async Task Old_temporary_files_of_a_crash_are_removed_at_start_and_young_ones_kept()
    {
        Directory.CreateDirectory(MailDirectory);
        var old = Path.Combine(MailDirectory, ".01OLD.eml.tmp");
        var young = Path.Combine(MailDirectory, ".01YOUNG.eml.tmp"); // maybe another process's store in flight
        var stored = Path.Combine(MailDirectory, "01KEPT.eml");
        foreach (var path in new[] { old, young, stored })
            await System.IO.File.WriteAllTextAsync(path, "x");
        System.IO.File.SetLastWriteTimeUtc(old, DateTime.UtcNow - FileSink.DebrisAge - TimeSpan.FromMinutes(1));
        System.IO.File.SetLastWriteTimeUtc(stored, DateTime.UtcNow - TimeSpan.FromDays(1));

        var sink = CreateSink(temporaryFiles: "named");
        await sink.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(5)); // constructed

        Assert.False(System.IO.File.Exists(old));
        Assert.True(System.IO.File.Exists(young));
        Assert.True(System.IO.File.Exists(stored)); // only temporaries are debris
    }

    private async Task ReleaseAndExpectBothHalvesStoredAsync(TaskCompletionSource<bool> release, string id)
    {
        release.SetResult(true);
        await ExpectMsgAsync<SinkProtocol.Stored>();
        Assert.Equal([id + ".eml", id + ".json"], MailEntries);
        Assert.Equal(Bytes("first half\r\nsecond half\r\n"), StoredBytes(id));
    }
}
