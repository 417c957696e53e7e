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
        IEnumerable<string>? acceptedDomains = null,
        bool offerStartTls = false,
        bool requireTls = false,
        AuthMode auth = AuthMode.Off,
        bool allowInsecureAuth = false,
        int maxAuthFailures = 3,
        int maxJunkCommands = 100,
        bool closeOnNonSmtpCommands = true,
        bool chunking = true,
        int recipientOvershoot = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecipients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxErrors, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxJunkCommands);
        ArgumentOutOfRangeException.ThrowIfNegative(recipientOvershoot);
        Hostname = hostname;
        MaxMessageSize = maxMessageSize;
        MaxRecipients = maxRecipients;
        MaxErrors = maxErrors;
        AcceptedDomains = new HashSet<string>(acceptedDomains ?? [], StringComparer.OrdinalIgnoreCase);
        OfferStartTls = offerStartTls;
        RequireTls = requireTls;
        Auth = auth;
        AllowInsecureAuth = allowInsecureAuth;
        MaxAuthFailures = maxAuthFailures;
        MaxJunkCommands = maxJunkCommands;
        CloseOnNonSmtpCommands = closeOnNonSmtpCommands;
        Chunking = chunking;
        RecipientOvershoot = recipientOvershoot;
        Replies = new HostReplies(hostname);
        // CHUNKING without BINARYMIME, as Postfix: BDAT carries the same 7bit/8bitmime bodies as DATA.
        string[] keywords = [hostname, "PIPELINING", $"SIZE {maxMessageSize}", "8BITMIME", "SMTPUTF8", .. chunking ? ["CHUNKING"] : Array.Empty<string>()];
        string[] authKeyword = auth == AuthMode.Off ? [] : ["AUTH PLAIN LOGIN"];
        SecureEhloReply = SmtpReply.CreateMultiline(250, [.. keywords, .. authKeyword, "ENHANCEDSTATUSCODES"]);
        // RFC 3207 §4.2: STARTTLS is offered only before TLS is active. RFC 4954 §4: plaintext password
        // mechanisms only over TLS, unless the operator explicitly allows them.
        EhloReply = SmtpReply.CreateMultiline(250,
        [
            .. keywords, .. offerStartTls ? ["STARTTLS"] : Array.Empty<string>(),
            .. allowInsecureAuth ? authKeyword : [], "ENHANCEDSTATUSCODES",
        ]);
    }

    public string Hostname { get; }
    public long MaxMessageSize { get; }
    public int MaxRecipients { get; }
    public int MaxErrors { get; }

    /// <summary>
    /// Recipients over <see cref="MaxRecipients"/> per transaction that get 452 4.5.3 without counting as errors;
    /// each further one counts (Postfix smtpd_recipient_overshoot_limit). RFC 5321 §4.5.3.1.10: the client is
    /// to send the rest in a new transaction, so a pipelined batch over the limit must not end the session.
    /// </summary>
    public int RecipientOvershoot { get; }

    /// <summary>Recipient domains accepted; empty means any (capture mode).</summary>
    public IReadOnlySet<string> AcceptedDomains { get; }

    /// <summary>STARTTLS is advertised and accepted (RFC 3207).</summary>
    public bool OfferStartTls { get; }

    /// <summary>MAIL needs TLS first (530 5.7.0).</summary>
    public bool RequireTls { get; }

    /// <summary>AUTH offered (PLAIN, LOGIN) and whether MAIL needs it.</summary>
    public AuthMode Auth { get; }

    /// <summary>AUTH before TLS is allowed (otherwise 538 5.7.11).</summary>
    public bool AllowInsecureAuth { get; }

    /// <summary>Failed AUTH attempts before 421 4.7.0 and close.</summary>
    public int MaxAuthFailures { get; }

    /// <summary>
    /// HELO, EHLO, NOOP, RSET, VRFY and HELP allowed per message before each further one counts as an error
    /// (Postfix smtpd_junk_command_limit): a client that only keeps the connection busy reaches the error limit.
    /// </summary>
    public int MaxJunkCommands { get; }

    /// <summary>HTTP requests and header-like lines get 221 2.7.0 and the connection closes (Postfix smtpd_forbidden_commands).</summary>
    public bool CloseOnNonSmtpCommands { get; }

    /// <summary>BDAT (RFC 3030 CHUNKING) is advertised and accepted; otherwise BDAT is an unknown command.</summary>
    public bool Chunking { get; }

    public HostReplies Replies { get; }

    /// <summary>The commands that wait for the server's policies (<see cref="SessionAction.CheckPolicy"/>); none by default.</summary>
    public CheckedStages CheckedStages { get; init; }

    /// <summary>The EHLO reply before TLS: hostname, then one ESMTP keyword per line (STARTTLS included when offered).</summary>
    public SmtpReply EhloReply { get; }

    /// <summary>The EHLO reply once TLS is active: no STARTTLS.</summary>
    public SmtpReply SecureEhloReply { get; }
}
