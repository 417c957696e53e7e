namespace ActorSmtp.Mailbox.Live;

/// <summary>Messages of <see cref="MailboxIndexerActor"/>; every write to the index goes through them, so there is one writer.</summary>
internal static class MailboxIndexerProtocol
{
    /// <summary>Open the index, reconcile it with the folder and start indexing; replied with <see cref="Opened"/>.</summary>
    public sealed record Open
    {
        public static readonly Open Instance = new();

        private Open()
        {
        }
    }

    /// <summary>The index is open: it holds <paramref name="Count"/> messages.</summary>
    public sealed record Opened(long Count);

    /// <summary>Index what the file sink announced since the last batch (sent to itself when a batch starts).</summary>
    public sealed record Flush
    {
        public static readonly Flush Instance = new();

        private Flush()
        {
        }
    }

    /// <summary>Delete one message; replied with <see cref="DeletedCount"/> (0 or 1).</summary>
    public sealed record DeleteOne(string Id);

    /// <summary>Delete every message matching (compiled by the asker, so a bad filter fails there); replied with <see cref="DeletedCount"/>.</summary>
    public sealed record DeleteMatching(Index.MessageMatcher Matcher);

    public sealed record DeletedCount(int Count);

    /// <summary>Drop the index and build it again from the files; replied with <see cref="Opened"/>.</summary>
    public sealed record Rebuild
    {
        public static readonly Rebuild Instance = new();

        private Rebuild()
        {
        }
    }

    /// <summary>Apply retention now (the max-age timer).</summary>
    public sealed record Purge
    {
        public static readonly Purge Instance = new();

        private Purge()
        {
        }
    }
}
