namespace ActorSmtp.Mailbox;

/// <summary>Which messages to list, await or delete; every filter that is set must match, null ones match all.</summary>
/// <param name="To">A glob (<c>*</c>, <c>?</c>) on the envelope recipients and the header To/Cc, case-insensitive: <c>*@run-42.test</c>.</param>
/// <param name="From">A glob on the envelope sender and the header From, case-insensitive.</param>
/// <param name="Subject">A substring of the subject, case-insensitive.</param>
/// <param name="Since">Received at or after.</param>
/// <param name="Until">Received before.</param>
/// <param name="Text">Words searched (FTS5) in the subject, the addresses and the text body; all must occur.</param>
public sealed record MessageQuery(
    string? To = null,
    string? From = null,
    string? Subject = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Text = null)
{
    /// <summary>Every message.</summary>
    public static readonly MessageQuery All = new();

    /// <summary>No filter is set.</summary>
    public bool IsAll => this == All;
}
