namespace ActorSmtp.Protocol.Replies;

/// <summary>
/// The fixed replies of the protocol, built once. Texts follow Postfix smtpd where it has one,
/// so operators recognise them; every code after the greeting carries an RFC 3463 status.
/// </summary>
public static class StandardReplies
{
    public static readonly SmtpReply Ok = SmtpReply.Create(250, "2.0.0", "Ok");
    public static readonly SmtpReply SenderOk = SmtpReply.Create(250, "2.1.0", "Ok");
    public static readonly SmtpReply RecipientOk = SmtpReply.Create(250, "2.1.5", "Ok");
    /// <summary>RFC 3030 §2: each chunk but the last is acknowledged once its octets are in.</summary>
    public static SmtpReply ChunkReceived(long octets) => SmtpReply.Create(250, "2.0.0", $"{octets} octets received");
    public static readonly SmtpReply StartMailInput = SmtpReply.Create(354, null, "End data with <CR><LF>.<CR><LF>");
    public static readonly SmtpReply CannotVerify =
        SmtpReply.Create(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");
    public static readonly SmtpReply Help = SmtpReply.Create(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP");

    // RFC 5321 §4.2.4 / §4.1.4: unknown, unimplemented and out-of-sequence commands.
    public static readonly SmtpReply UnknownCommand = SmtpReply.Create(500, "5.5.2", "Error: command not recognized");
    public static readonly SmtpReply EmptyCommand = SmtpReply.Create(500, "5.5.2", "Error: bad syntax");
    public static readonly SmtpReply LineTooLong = SmtpReply.Create(500, "5.5.2", "Error: line too long");
    public static readonly SmtpReply BareLineFeed = SmtpReply.Create(500, "5.5.2", "Error: bare <LF> received");
    public static readonly SmtpReply NulInCommand = SmtpReply.Create(500, "5.5.2", "Error: NUL character in command");
    public static readonly SmtpReply NotImplemented = SmtpReply.Create(502, "5.5.1", "Error: command not implemented");
    public static readonly SmtpReply NeedHelo = SmtpReply.Create(503, "5.5.1", "Error: send HELO/EHLO first");
    public static readonly SmtpReply NestedMail = SmtpReply.Create(503, "5.5.1", "Error: nested MAIL command");
    public static readonly SmtpReply NeedMail = SmtpReply.Create(503, "5.5.1", "Error: need MAIL command");
    public static readonly SmtpReply NeedRecipient = SmtpReply.Create(503, "5.5.1", "Error: need RCPT command");
    public static readonly SmtpReply RcptAfterBdat = SmtpReply.Create(503, "5.5.1", "Error: RCPT after BDAT");
    public static readonly SmtpReply DataAfterBdat = SmtpReply.Create(503, "5.5.1", "Error: DATA after BDAT");

    // Syntax (RFC 5321 §4.1.1, §4.1.2).
    public static readonly SmtpReply HeloSyntax = SmtpReply.Create(501, "5.5.4", "Syntax: HELO hostname");
    public static readonly SmtpReply EhloSyntax = SmtpReply.Create(501, "5.5.4", "Syntax: EHLO hostname");
    public static readonly SmtpReply MailSyntax = SmtpReply.Create(501, "5.5.4", "Syntax: MAIL FROM:<address>");
    public static readonly SmtpReply RcptSyntax = SmtpReply.Create(501, "5.5.4", "Syntax: RCPT TO:<address>");
    public static readonly SmtpReply NoArguments = SmtpReply.Create(501, "5.5.4", "Syntax: no parameters allowed");
    public static readonly SmtpReply BdatSyntax = SmtpReply.Create(501, "5.5.4", "Syntax: BDAT count [LAST]");
    /// <summary>Postfix's answer when the chunk size cannot be read: where the octets end is unknown, so it hangs up.</summary>
    public static readonly SmtpReply BdatSizeUnreadable = SmtpReply.Create(521, "5.5.4", "Syntax: BDAT count [LAST]");
    public static readonly SmtpReply VrfySyntax = SmtpReply.Create(501, "5.5.4", "Syntax: VRFY address");
    public static readonly SmtpReply BadSenderAddress = SmtpReply.Create(501, "5.1.7", "Bad sender address syntax");
    public static readonly SmtpReply BadRecipientAddress = SmtpReply.Create(501, "5.1.3", "Bad recipient address syntax");
    public static readonly SmtpReply BadParameterValue = SmtpReply.Create(501, "5.5.4", "Bad parameter value");
    public static readonly SmtpReply DuplicateParameter = SmtpReply.Create(501, "5.5.4", "Duplicate parameter");
    public static readonly SmtpReply NeedsSmtpUtf8 = SmtpReply.Create(553, "5.6.7", "Address needs SMTPUTF8");

    // STARTTLS (RFC 3207).
    public static readonly SmtpReply ReadyToStartTls = SmtpReply.Create(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpReply StartTlsSyntax = SmtpReply.Create(501, "5.5.4", "Syntax: STARTTLS");
    public static readonly SmtpReply TlsAlreadyActive = SmtpReply.Create(503, "5.5.1", "Error: TLS already active");
    public static readonly SmtpReply MustStartTls = SmtpReply.Create(530, "5.7.0", "Must issue a STARTTLS command first");

    // AUTH (RFC 4954).
    public static readonly SmtpReply AuthSucceeded = SmtpReply.Create(235, "2.7.0", "Authentication successful");
    public static readonly SmtpReply AuthFailed = SmtpReply.Create(535, "5.7.8", "Error: authentication failed");
    public static readonly SmtpReply AuthNeedsEncryption =
        SmtpReply.Create(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static readonly SmtpReply AuthRequired = SmtpReply.Create(530, "5.7.0", "Authentication required");
    public static readonly SmtpReply AlreadyAuthenticated = SmtpReply.Create(503, "5.5.1", "Error: already authenticated");
    public static readonly SmtpReply AuthInTransaction = SmtpReply.Create(503, "5.5.1", "Error: MAIL transaction in progress");
    public static readonly SmtpReply UnknownAuthMechanism = SmtpReply.Create(504, "5.5.4", "Unrecognized authentication type");
    public static readonly SmtpReply AuthAborted = SmtpReply.Create(501, "5.7.0", "Authentication aborted");
    public static readonly SmtpReply AuthUndecodable = SmtpReply.Create(501, "5.5.2", "Cannot decode response");

    // Limits and policy.
    public static readonly SmtpReply MessageTooBig =
        SmtpReply.Create(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static readonly SmtpReply TooManyRecipients = SmtpReply.Create(452, "4.5.3", "Error: too many recipients");
    public static readonly SmtpReply RelayDenied = SmtpReply.Create(554, "5.7.1", "Relay access denied"); // Postfix relay_domains_reject_code

    // Protection against abuse (Postfix anvil limits, postscreen, header_size_limit).
    public static readonly SmtpReply MessageRateExceeded = SmtpReply.Create(452, "4.7.0", "Error: too many messages from your address, try again later");
    public static readonly SmtpReply RecipientRateExceeded = SmtpReply.Create(452, "4.7.0", "Error: too many recipients from your address, try again later");
    public static readonly SmtpReply AuthRateExceeded = SmtpReply.Create(450, "4.7.1", "Error: too many AUTH commands from your address");
    /// <summary>A client that talked before the greeting (Exim smtp_enforce_sync, postscreen pregreet).</summary>
    public static readonly SmtpReply EarlyTalker = SmtpReply.Create(554, "5.5.1", "Protocol synchronization error");
    public static readonly SmtpReply HeaderTooLarge = SmtpReply.Create(552, "5.3.4", "Error: message header size exceeds limit");
    public static readonly SmtpReply DataLineTooLong = SmtpReply.Create(552, "5.3.4", "Error: message line longer than 1000 octets");

    /// <summary>Postfix's answer to HTTP requests and header lines (smtpd_forbidden_commands): 221, then close.</summary>
    public static readonly SmtpReply NonSmtpCommand = SmtpReply.Create(221, "2.7.0", "Error: I can break rules, too. Goodbye.");

    // End of data (RFC 5321 §4.1.1.4; SMTP smuggling: only CRLF.CRLF ends DATA).
    public static readonly SmtpReply BareLineEndingInData =
        SmtpReply.Create(550, "5.6.11", "Error: bare CR or LF not allowed in message");
    public static readonly SmtpReply StorageUnavailable =
        SmtpReply.Create(451, "4.3.0", "Error: queue file write error, try again later");
    public static readonly SmtpReply StorageRejected = SmtpReply.Create(550, "5.7.1", "Message rejected");
}
