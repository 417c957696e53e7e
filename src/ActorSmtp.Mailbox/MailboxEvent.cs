namespace ActorSmtp.Mailbox;

/// <summary>What happened to the mailbox, as its events subscription tells it (the web page's live list).</summary>
public abstract record MailboxEvent
{
    private MailboxEvent()
    {
    }

    /// <summary>A message was stored and indexed.</summary>
    public sealed record Stored(MessageSummary Message) : MailboxEvent;

    /// <summary>A message was deleted (by a user or by retention).</summary>
    public sealed record Deleted(string Id) : MailboxEvent;

    /// <summary>Every message was deleted at once.</summary>
    public sealed record Cleared : MailboxEvent
    {
        public static readonly Cleared Instance = new();

        private Cleared()
        {
        }
    }
}
