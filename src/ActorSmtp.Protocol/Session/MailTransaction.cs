using ActorSmtp.Protocol.Addresses;

namespace ActorSmtp.Protocol.Session;

/// <summary>One MAIL … DATA transaction: the reverse path, its parameters and the accepted recipients.</summary>
public sealed class MailTransaction(Mailbox? from, MailParameters parameters)
{
    private readonly List<Mailbox> _recipients = [];

    /// <summary>The reverse path; null for the null sender &lt;&gt; used by bounces (RFC 5321 §4.5.5).</summary>
    public Mailbox? From { get; } = from;

    public MailParameters Parameters { get; } = parameters;

    public IReadOnlyList<Mailbox> Recipients => _recipients;

    /// <summary>Octets announced by the BDAT chunks accepted so far (RFC 3030); 0 for a DATA transaction.</summary>
    public long ChunkOctets { get; internal set; }

    /// <summary>RCPT commands refused with 452 4.5.3 because the recipient limit was reached.</summary>
    public int ExcessRecipients { get; internal set; }

    internal void AddRecipient(Mailbox recipient) => _recipients.Add(recipient);
}
