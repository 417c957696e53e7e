using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>The policy one session runs under; shared, immutable, built once per endpoint.</summary>
public sealed class SmtpSessionOptions
{
    public SmtpSessionOptions(
        string hostname = "localhost",
        long maxMessageSize = 25 * 1024 * 1024,
        int maxRecipients = 1000,
        int maxErrors = 20,
        IEnumerable<string>? acceptedDomains = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecipients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxErrors, 1);
        Hostname = hostname;
        MaxMessageSize = maxMessageSize;
        MaxRecipients = maxRecipients;
        MaxErrors = maxErrors;
        AcceptedDomains = new HashSet<string>(acceptedDomains ?? [], StringComparer.OrdinalIgnoreCase);
        Replies = new HostReplies(hostname);
        EhloReply = SmtpReply.CreateMultiline(250,
        [
            hostname, "PIPELINING", $"SIZE {maxMessageSize}", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES",
        ]);
    }

    public string Hostname { get; }
    public long MaxMessageSize { get; }
    public int MaxRecipients { get; }
    public int MaxErrors { get; }

    /// <summary>Recipient domains accepted; empty means any (capture mode).</summary>
    public IReadOnlySet<string> AcceptedDomains { get; }

    public HostReplies Replies { get; }

    /// <summary>The EHLO reply: hostname, then one ESMTP keyword per line.</summary>
    public SmtpReply EhloReply { get; }
}
