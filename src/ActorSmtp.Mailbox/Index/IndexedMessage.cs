namespace ActorSmtp.Mailbox.Index;

/// <summary>One message as the index holds it: the list's fields, the address lists the filters match, and the text FTS5 searches.</summary>
internal sealed record IndexedMessage(
    string Id,
    long ReceivedAtMillis,
    string MailFrom,
    IReadOnlyList<string> RcptTo,
    IReadOnlyList<string> HeaderFrom,
    IReadOnlyList<string> HeaderTo,
    string? Subject,
    long Size,
    bool Tls,
    string? AuthenticatedAs,
    bool HeaderRecipientsDiffer,
    string BodyText)
{
    /// <summary>The summary the API shows; header addresses comma-separated.</summary>
    public MessageSummary Summary() => new(
        Id,
        DateTimeOffset.FromUnixTimeMilliseconds(ReceivedAtMillis),
        MailFrom,
        RcptTo,
        JoinedOrNull(HeaderFrom),
        JoinedOrNull(HeaderTo),
        Subject,
        Size,
        Tls,
        AuthenticatedAs,
        HeaderRecipientsDiffer);

    /// <summary>Every address, for the FTS column: a search for a name finds the messages it sent or received.</summary>
    public string AllAddresses() => string.Join(' ', RcptTo.Prepend(MailFrom).Concat(HeaderFrom).Concat(HeaderTo));

    private static string? JoinedOrNull(IReadOnlyList<string> addresses) => addresses.Count == 0 ? null : string.Join(", ", addresses);
}
