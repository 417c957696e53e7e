using ActorSmtp.Sinks.File;
using Xunit;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>Unnamed temporary files (Linux), linked both ways the kernel may allow.</summary>
public sealed class UnnamedFilesTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_created_file_has_no_name_until_it_is_linked_then_has_its_content(bool linkDescriptors)
    {
        using var files = UnnamedFiles.TryOpen(_directory.Path, linkDescriptors);
        Assert.NotNull(files);
        if (!linkDescriptors)
            Assert.True(files.LinksThroughProc);

        using (var file = files.Create())
        {
            RandomAccess.Write(file, Bytes("Subject: x\r\n\r\n"), fileOffset: 0);
            Assert.Empty(TemporaryDirectory.EntriesIn(_directory.Path)); // the probe left nothing either
            files.Link(file, "A.eml");
        }

        Assert.Equal(["A.eml"], TemporaryDirectory.EntriesIn(_directory.Path));
        Assert.Equal("Subject: x\r\n\r\n", System.IO.File.ReadAllText(Path.Combine(_directory.Path, "A.eml")));
    }

    [Fact]
    public void Linking_to_a_name_that_exists_fails_and_keeps_the_existing_file()
    {
        using var files = UnnamedFiles.TryOpen(_directory.Path)!;
        System.IO.File.WriteAllText(Path.Combine(_directory.Path, "A.eml"), "first");
        using var file = files.Create();

        Assert.Throws<IOException>(() => files.Link(file, "A.eml"));
        Assert.Equal("first", System.IO.File.ReadAllText(Path.Combine(_directory.Path, "A.eml")));
    }

    [Fact]
    public void After_dispose_linking_fails_instead_of_reaching_another_descriptor()
    {
        var files = UnnamedFiles.TryOpen(_directory.Path)!;
        using var file = files.Create();

        files.Dispose();

        Assert.Throws<ObjectDisposedException>(() => files.Link(file, "A.eml"));
        Assert.Empty(TemporaryDirectory.EntriesIn(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();
}
