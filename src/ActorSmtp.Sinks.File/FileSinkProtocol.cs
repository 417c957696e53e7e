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
}
