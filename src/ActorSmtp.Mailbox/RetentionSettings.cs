namespace ActorSmtp.Mailbox;

/// <summary>Bounds of the store (<c>actorsmtp.mailbox.retention</c>); 0 means unlimited. The oldest messages go first.</summary>
/// <param name="MaxMessages">At most this many messages.</param>
/// <param name="MaxAge">No message older than this.</param>
/// <param name="MaxSize">At most this many bytes of .eml files.</param>
public sealed record RetentionSettings(long MaxMessages, TimeSpan MaxAge, long MaxSize)
{
    /// <summary>No bound at all.</summary>
    public static readonly RetentionSettings Unlimited = new(0, TimeSpan.Zero, 0);

    /// <summary>At least one bound is set.</summary>
    public bool IsBounded => MaxMessages > 0 || MaxAge > TimeSpan.Zero || MaxSize > 0;
}
