using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// How the committer forces files and the directory to disk. <see cref="Durable"/> is the only one the
/// sink uses; specs substitute slow or failing flushes to observe batching and cleanup.
/// </summary>
internal sealed record DiskFlush(Action<SafeFileHandle> File, Action<string> Directory)
{
    public static readonly DiskFlush Durable = new(RandomAccess.FlushToDisk, DirectorySync.Flush);
}
