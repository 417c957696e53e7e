namespace ActorSmtp.Sinks.File;

/// <summary>Messages only <see cref="FileSink"/> understands, besides <see cref="SinkProtocol.Store"/>.</summary>
internal static class FileSinkProtocol
{
    /// <summary>Asks for the <see cref="CommitStatistics"/> of the sink's group committer.</summary>
    public sealed record GetCommitStatistics
    {
        public static readonly GetCommitStatistics Instance = new();

        private GetCommitStatistics()
        {
        }
    }

    /// <summary>How many commit batches ran (one directory fsync each) and how many messages they committed.</summary>
    public sealed record CommitStatistics(long Batches, long Messages);

    /// <summary>Asks which <see cref="TemporaryFiles"/> the sink uses now.</summary>
    public sealed record GetTemporaryFiles
    {
        public static readonly GetTemporaryFiles Instance = new();

        private GetTemporaryFiles()
        {
        }
    }

    /// <summary>Unnamed temporary files (O_TMPFILE), or hidden names renamed when complete.</summary>
    public sealed record TemporaryFiles(bool Unnamed);
}
