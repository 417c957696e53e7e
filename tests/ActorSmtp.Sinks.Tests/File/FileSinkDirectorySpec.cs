using System.Diagnostics;
using ActorSmtp.Sinks.File;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>
/// Issue 15 §0c: the directory changes under a running sink. Deleted and recreated, the sink opens the new one
/// (it answered 451 forever); read-only at start and writable later, it goes back to unnamed temporaries.
/// </summary>
public sealed class FileSinkDirectorySpec(ITestOutputHelper output) : FileSinkSpecBase(output)
{
    [Fact]
    public async Task A_directory_deleted_and_recreated_while_running_gets_the_next_message()
    {
        var sink = CreateSink();
        await StoreAsync(sink, Store(NewId(), Bytes("Subject: before\r\n\r\n")));

        Directory.Delete(MailDirectory, recursive: true);
        Directory.CreateDirectory(MailDirectory);
        var id = NewId();
        await StoreAsync(sink, Store(id, Bytes("Subject: after\r\n\r\n")));

        Assert.Equal([id + ".eml", id + ".json"], MailEntries);
        Assert.True(await UsesUnnamedFilesAsync(sink));
    }

    [Fact]
    public async Task A_deleted_directory_is_created_again_as_at_start()
    {
        var sink = CreateSink();
        Assert.True(await UsesUnnamedFilesAsync(sink)); // started: the directory is made and open
        Directory.Delete(MailDirectory, recursive: true);
        var id = NewId();

        await StoreAsync(sink, Store(id, Bytes("Subject: after\r\n\r\n")));

        Assert.Equal([id + ".eml", id + ".json"], MailEntries);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_sink_started_on_a_read_only_directory_uses_unnamed_files_again_once_it_is_writable()
    {
        Directory.CreateDirectory(MailDirectory);
        SetReadOnly(MailDirectory, readOnly: true);
        IActorRef sink;
        try
        {
            sink = CreateSink();
            Assert.False(await UsesUnnamedFilesAsync(sink)); // fell back to named temporaries
            sink.Tell(Store(NewId(), Bytes("Subject: refused\r\n\r\n")), TestActor);
            await ExpectMsgAsync<SinkProtocol.TemporaryFailure>();
        }
        finally
        {
            SetReadOnly(MailDirectory, readOnly: false);
        }

        await Task.Delay(FileSink.UnnamedRetryInterval + TimeSpan.FromMilliseconds(100));
        var id = NewId();
        await StoreAsync(sink, Store(id, Bytes("Subject: writable\r\n\r\n")));

        Assert.True(await UsesUnnamedFilesAsync(sink));
        Assert.Equal([id + ".eml", id + ".json"], MailEntries);
    }

    private async Task<bool> UsesUnnamedFilesAsync(IActorRef sink) =>
        (await sink.Ask<FileSinkProtocol.TemporaryFiles>(FileSinkProtocol.GetTemporaryFiles.Instance, TimeSpan.FromSeconds(5))).Unnamed;

    // Permissions stop a normal user; root (CI) passes them, but not the immutable attribute (chattr +i).
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void SetReadOnly(string directory, bool readOnly)
    {
        if (!readOnly)
            Chattr("-i", directory);
        System.IO.File.SetUnixFileMode(directory, readOnly
            ? UnixFileMode.UserRead | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (readOnly && Environment.UserName == "root")
            Chattr("+i", directory);
    }

    private static void Chattr(string change, string directory)
    {
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [change, directory]) { RedirectStandardError = true })!;
        chattr.WaitForExit();
    }
}
