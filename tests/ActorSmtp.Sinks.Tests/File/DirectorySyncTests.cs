using ActorSmtp.Sinks.File;
using Xunit;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>The libc binding for directory fsync actually reaches the kernel.</summary>
public sealed class DirectorySyncTests
{
    [Fact]
    public void Flushes_an_existing_directory()
    {
        using var directory = new TemporaryDirectory();

        DirectorySync.Flush(directory.Path);
    }

    [Fact]
    public void Reports_a_directory_it_cannot_open()
    {
        if (!OperatingSystem.IsLinux())
            return; // elsewhere the flush is skipped by design

        using var directory = new TemporaryDirectory();
        var missing = Path.Combine(directory.Path, "missing");

        var error = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
        Assert.Contains("errno 2", error.Message); // ENOENT
    }
}
