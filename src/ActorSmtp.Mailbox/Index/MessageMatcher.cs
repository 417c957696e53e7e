using System.Text;
using System.Text.RegularExpressions;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// The address and subject filters of a <see cref="MessageQuery"/>, compiled once and matched in C#: the same
/// code filters a listing's rows and a committed batch for the waiters, so a list and an await never disagree.
/// Received-at bounds and text are the index's (rowid range, FTS5).
/// </summary>
internal sealed class MessageMatcher
{
    // NonBacktracking: a user's glob runs in time linear in the address, whatever its stars.
    private const RegexOptions GlobOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Regex? _to;
    private readonly Regex? _from;
    private readonly string? _subject;

    public MessageMatcher(MessageQuery query)
    {
        Query = query;
        _to = Glob(query.To, "to");
        _from = Glob(query.From, "from");
        _subject = string.IsNullOrEmpty(query.Subject) ? null : query.Subject;
        Text = FtsQuery.From(query.Text);
    }

    public MessageQuery Query { get; }

    /// <summary>The FTS5 expression for <see cref="MessageQuery.Text"/>, or null for no text filter.</summary>
    public string? Text { get; }

    /// <summary>True when only rowid bounds and text filter: every row of the range matches.</summary>
    public bool MatchesAllRows => _to is null && _from is null && _subject is null;

    /// <summary>Whether the message passes the address and subject filters (and <see cref="MessageQuery.Since"/>/<see cref="MessageQuery.Until"/>).</summary>
    public bool Matches(IndexedMessage message) =>
        InTime(message.ReceivedAtMillis)
        && (_to is null || AnyMatch(_to, message.RcptTo) || AnyMatch(_to, message.HeaderTo))
        && (_from is null || _from.IsMatch(message.MailFrom) || AnyMatch(_from, message.HeaderFrom))
        && (_subject is null || (message.Subject?.Contains(_subject, StringComparison.OrdinalIgnoreCase) ?? false));

    private bool InTime(long millis) =>
        (Query.Since is not { } since || millis >= SeqKey.Millis(since)) && (Query.Until is not { } until || millis < SeqKey.Millis(until));

    private static bool AnyMatch(Regex glob, IReadOnlyList<string> addresses)
    {
        foreach (var address in addresses)
            if (glob.IsMatch(address))
                return true;
        return false;
    }

    /// <summary>A glob (<c>*</c> any run, <c>?</c> one character) as an anchored, case-insensitive regex.</summary>
    /// <exception cref="ArgumentException">The glob is longer than an address can be (RFC 5321 §4.5.3.1.3: 256 octets for a path).</exception>
    private static Regex? Glob(string? glob, string parameter)
    {
        if (string.IsNullOrEmpty(glob))
            return null;
        if (glob.Length > 512)
            throw new ArgumentException($"`{parameter}` is longer than any address", parameter);
        var pattern = new StringBuilder("^");
        foreach (var c in glob)
            pattern.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
        return new Regex(pattern.Append('$').ToString(), GlobOptions);
    }
}
