namespace ActorSmtp.Mailbox;

/// <summary>One indexed message: its envelope (the file sink's .json) and the header fields a list shows.</summary>
/// <param name="Id">The message id; its files are <c>&lt;id&gt;.eml</c> and <c>&lt;id&gt;.json</c>.</param>
/// <param name="ReceivedAt">When DATA was accepted (UTC).</param>
/// <param name="MailFrom">The envelope sender; empty for the null sender.</param>
/// <param name="RcptTo">The envelope recipients.</param>
/// <param name="From">The header From (addresses, comma-separated), if any.</param>
/// <param name="To">The header To and Cc (addresses, comma-separated), if any.</param>
/// <param name="Subject">The header Subject, if any.</param>
/// <param name="Size">The .eml's length in bytes.</param>
/// <param name="Tls">The message arrived over TLS.</param>
/// <param name="AuthenticatedAs">The identity the client proved with AUTH, or null.</param>
/// <param name="HeaderRecipientsDiffer">The header To/Cc differ from the envelope recipients.</param>
public sealed record MessageSummary(
    string Id,
    DateTimeOffset ReceivedAt,
    string MailFrom,
    IReadOnlyList<string> RcptTo,
    string? From,
    string? To,
    string? Subject,
    long Size,
    bool Tls,
    string? AuthenticatedAs,
    bool HeaderRecipientsDiffer);

/// <summary>One page of a listing, newest first.</summary>
/// <param name="Messages">At most the limit asked for.</param>
/// <param name="Before">The cursor for the next page (pass it as <c>before</c>), null when this page is the last.</param>
public sealed record MessagePage(IReadOnlyList<MessageSummary> Messages, string? Before);
