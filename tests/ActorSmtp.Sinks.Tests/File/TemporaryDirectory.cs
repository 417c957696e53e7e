namespace ActorSmtp.Sinks.Tests.File;

/// <summary>A fresh directory under the system temp path, deleted with everything in it on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Path = Directory.CreateTempSubdirectory("actorsmtp-filesink-").FullName;

    public string Path { get; }

    /// <summary>Names of the entries directly in <paramref name="directory"/>, sorted; empty when it is missing.</summary>
    public static string[] EntriesIn(string directory) => Directory.Exists(directory)
        ? Directory.GetFileSystemEntries(directory).Select(entry => System.IO.Path.GetFileName(entry)).Order(StringComparer.Ordinal).ToArray()
        : [];

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
