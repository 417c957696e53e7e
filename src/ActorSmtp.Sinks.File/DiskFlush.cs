using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// How the committer forces a batch's files and then the directory to disk. Specs substitute slow or
/// failing flushes to observe batching and cleanup.
/// </summary>
/// <param name="Data">Makes the data of the given files (in the given directory) durable.</param>
/// <param name="Directory">Makes the directory's entries (the renames) durable.</param>
/// <param name="DataCoversNames">
/// Whether a <see cref="Data"/> flush also makes every name published before it durable (syncfs does:
/// it writes the directory's blocks too). The committer then pipelines its batches: one flush is one
/// batch's data and the previous batch's names, and <see cref="Directory"/> is not needed.
/// </param>
internal sealed record DiskFlush(
    Action<IReadOnlyList<SafeFileHandle>, string> Data,
    Action<string> Directory,
    bool DataCoversNames = false)
{
    /// <summary>
    /// One syncfs(2) for the whole batch: on a quiet volume 38–96 µs of CPU per message against 194–548 µs
    /// for an fsync per file (1 KB messages, batches of 64 to 1). But it flushes whatever else is dirty on
    /// that file system too: on a busy shared volume it measured 5× dearer than per-file fsync. For a spool
    /// on its own volume; off Linux it falls back to per file.
    /// </summary>
    public static readonly DiskFlush FileSystem = new(
        (files, directory) =>
        {
            if (!DirectorySync.FlushFileSystem(directory))
                FlushEach(files);
        },
        DirectorySync.Flush,
        // Off Linux the fallback flushes files only, but there the directory flush is a no-op anyway.
        DataCoversNames: true);

    /// <summary>fsync(2) of every file, as Postfix does: nothing else on the volume is flushed. The default.</summary>
    public static readonly DiskFlush PerFile = new((files, _) => FlushEach(files), DirectorySync.Flush);

    public static DiskFlush Named(string mode) => mode switch
    {
        "filesystem" => FileSystem,
        "files" => PerFile,
        _ => throw new Akka.Configuration.ConfigurationException($"file sink: `sync` must be filesystem or files, not '{mode}'"),
    };

    private static void FlushEach(IReadOnlyList<SafeFileHandle> files)
    {
        foreach (var file in files)
            RandomAccess.FlushToDisk(file);
    }
}
