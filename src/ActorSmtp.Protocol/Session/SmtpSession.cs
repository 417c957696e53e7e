using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>
/// The SMTP command state machine of one connection: pure, no I/O. The connection feeds it complete
/// command lines and carries out the <see cref="SessionStep"/> it returns; message data never passes
/// through here, only the decision to start it and the outcome at its end.
/// </summary>
public sealed partial class SmtpSession(SmtpSessionOptions options, bool secure = false)
{
    public SmtpSessionOptions Options { get; } = options;

    /// <summary>TLS is active: from the start (implicit TLS) or after STARTTLS.</summary>
    public bool IsSecure { get; private set; } = secure;

    public SessionState State { get; private set; } = SessionState.Connected;

    /// <summary>The HELO/EHLO argument, once given.</summary>
    public string? HeloName { get; private set; }

    /// <summary>True after EHLO (ESMTP), false after HELO.</summary>
    public bool IsExtended { get; private set; }

    public MailTransaction? Transaction { get; private set; }

    /// <summary>Errors since the last delivered message (Postfix smtpd_hard_error_limit semantics).</summary>
    public int ErrorCount { get; private set; }

    /// <summary>HELO/EHLO/NOOP/RSET/VRFY/HELP since the last delivered message (Postfix smtpd_junk_command_limit).</summary>
    public int JunkCommandCount { get; private set; }

    /// <summary>An AUTH exchange waits for the client's next response line (after a 334).</summary>
    public bool InAuthExchange => _sasl is not null;

    /// <summary>The identity AUTH established, or null.</summary>
    public string? AuthenticatedAs { get; private set; }

    /// <summary>
    /// The client may relay: it is in <c>relay-networks</c>. Such a client, and an authenticated one, may send to any
    /// domain; others only to the accepted domains (when any are set).
    /// </summary>
    public bool ClientMayRelay { get; set; }

    /// <summary>The client's shared rate limits, or null when none apply (trusted client, limits off).</summary>
    public IClientRates? Rates { get; set; }

    /// <summary>Runs one command line (without its CR LF).</summary>
    public SessionStep Execute(ReadOnlySpan<byte> line)
    {
        if (State is SessionState.ReceivingData or SessionState.Closed)
            throw new InvalidOperationException($"No commands are read in state {State}.");
        if (line.Contains((byte)0))
            return Refuse(StandardReplies.NulInCommand);
        if (_sasl is { } exchange)
        {
            _sasl = null;
            return Sasl(exchange.Respond(line));
        }

        var verb = VerbReader.Read(line, out var argument);
        if (verb == SmtpVerb.Bdat && Options.Chunking)
            return Bdat(argument); // even out of sequence its octets must be read, so it answers for itself
        if (verb == SmtpVerb.Unknown && Options.CloseOnNonSmtpCommands && NonSmtpCommand.Classify(line) != NonSmtpKind.None)
        {
            // Postfix smtpd_forbidden_commands: a web client or a header dump is not worth a conversation.
            State = SessionState.Closed;
            return new SessionStep(StandardReplies.NonSmtpCommand, SessionAction.Close);
        }
        var outOfSequence = SmtpStateTable.Check(verb, State);
        var step = outOfSequence is not null ? Refuse(outOfSequence) : Run(verb, argument, line.IsEmpty);
        return IsJunk(verb) ? CountJunk(step) : step;
    }

    /// <summary>Answers a line the reader could not frame (too long, bare LF); it is never executed.</summary>
    public SessionStep Reject(LineStatus status) => Refuse(status switch
    {
        LineStatus.TooLong => StandardReplies.LineTooLong,
        LineStatus.BareLineFeed => StandardReplies.BareLineFeed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only framing failures are rejected."),
    });

    /// <summary>Ends the body phase: the transaction is over whatever its outcome (RFC 5321 §4.1.1.4).</summary>
    public void CompleteData(bool delivered)
    {
        if (State != SessionState.ReceivingData)
            throw new InvalidOperationException($"No message data is being received in state {State}.");
        Transaction = null;
        State = SessionState.Ready;
        if (delivered)
        {
            ErrorCount = 0;
            JunkCommandCount = 0;
        }
    }

    /// <summary>
    /// Refuses a DATA or BDAT the session's own checks accepted (an injected fault refuses it instead of the 354, or
    /// before a chunk's octets): the transaction ends, as after any failed message (RFC 5321 §4.1.1.4), and the refusal
    /// counts as an error. After BDAT the step is <see cref="SessionAction.SkipChunk"/>: the chunk's octets still come.
    /// </summary>
    public SessionStep RefuseData(SmtpReply refusal)
    {
        if (State != SessionState.ReceivingData)
            throw new InvalidOperationException($"No message data is being received in state {State}.");
        Transaction = null;
        State = SessionState.Ready;
        var step = Refuse(refusal);
        return !_inChunk || step.Action == SessionAction.Close ? step : step with { Action = SessionAction.SkipChunk, Chunk = _chunk };
    }

    /// <summary>Marks the session closed (timeout, shutdown, connection lost).</summary>
    public void Close() => State = SessionState.Closed;

    private SessionStep Run(SmtpVerb verb, ReadOnlySpan<byte> argument, bool emptyLine) => verb switch
    {
        SmtpVerb.Ehlo => Hello(argument, extended: true),
        SmtpVerb.Helo => Hello(argument, extended: false),
        SmtpVerb.Mail => Mail(argument),
        SmtpVerb.Rcpt => Recipient(argument),
        SmtpVerb.Data => Data(argument),
        SmtpVerb.Rset => argument.IsEmpty ? Reset() : Refuse(StandardReplies.NoArguments),
        SmtpVerb.Noop => new SessionStep(StandardReplies.Ok),
        SmtpVerb.Quit => Quit(),
        SmtpVerb.Vrfy => argument.IsEmpty ? Refuse(StandardReplies.VrfySyntax) : new SessionStep(StandardReplies.CannotVerify),
        SmtpVerb.Help => new SessionStep(StandardReplies.Help),
        SmtpVerb.StartTls => StartTls(argument),
        SmtpVerb.Auth => Auth(argument),
        SmtpVerb.Expn => Refuse(StandardReplies.NotImplemented),
        _ => Refuse(emptyLine ? StandardReplies.EmptyCommand : StandardReplies.UnknownCommand),
    };

    private SessionStep Hello(ReadOnlySpan<byte> argument, bool extended)
    {
        var name = argument.Trim((byte)' ');
        if (name.IsEmpty || name.Contains((byte)' '))
            return Refuse(extended ? StandardReplies.EhloSyntax : StandardReplies.HeloSyntax);

        return Hold(HeldHello(name, extended)) ?? AcceptHello(System.Text.Encoding.UTF8.GetString(name), extended);
    }

    private SessionStep AcceptHello(string name, bool extended)
    {
        // RFC 5321 §4.1.4: a new EHLO/HELO resets any transaction in progress.
        HeloName = name;
        IsExtended = extended;
        Transaction = null;
        State = SessionState.Ready;
        return new SessionStep(!extended ? Options.Replies.HeloOk : IsSecure ? Options.SecureEhloReply : Options.EhloReply);
    }

    private SessionStep StartTls(ReadOnlySpan<byte> argument)
    {
        if (!Options.OfferStartTls)
            return Refuse(StandardReplies.NotImplemented);
        if (!argument.IsEmpty)
            return Refuse(StandardReplies.StartTlsSyntax);
        if (IsSecure)
            return Refuse(StandardReplies.TlsAlreadyActive);
        // Postfix smtpd_client_new_tls_session_rate_limit, counted before the handshake (the CPU-expensive part).
        // 421 and close rather than Postfix's 454, after which an opportunistic client would go on in plaintext.
        if (Rates is { } rates && !rates.TryTakeTlsSession())
        {
            State = SessionState.Closed;
            return new SessionStep(Options.Replies.TlsSessionRateExceeded, SessionAction.Close);
        }
        return new SessionStep(StandardReplies.ReadyToStartTls, SessionAction.StartTls);
    }

    /// <summary>
    /// The handshake after STARTTLS succeeded. RFC 3207 §4.2: back to the state right after the greeting;
    /// everything learnt before (EHLO name, transaction) is forgotten.
    /// </summary>
    public void TlsEstablished()
    {
        IsSecure = true;
        AuthenticatedAs = null;
        _sasl = null;
        HeloName = null;
        IsExtended = false;
        Transaction = null;
        State = SessionState.Connected;
    }

    private SessionStep Mail(ReadOnlySpan<byte> argument)
    {
        if (Options.RequireTls && !IsSecure)
            return Refuse(StandardReplies.MustStartTls);
        if (Options.Auth == AuthMode.Required && AuthenticatedAs is null)
            return Refuse(StandardReplies.AuthRequired);
        var split = PathParser.Split(argument, "FROM:"u8, out var path, out var parameterText);
        if (split != PathParseStatus.Ok)
            return Refuse(split == PathParseStatus.BadAddress ? StandardReplies.BadSenderAddress : StandardReplies.MailSyntax);

        var parameters = MailParameters.None;
        if (!parameterText.IsEmpty)
        {
            // Parameters are ESMTP: after HELO they are unknown (RFC 5321 §4.1.1.11).
            var refusal = IsExtended ? MailParameters.TryParse(parameterText, out parameters) : StandardReplies.MailSyntax;
            if (refusal is not null)
                return Refuse(refusal);
        }
        if (parameters.DeclaredSize > Options.MaxMessageSize)
            return Refuse(StandardReplies.MessageTooBig);

        Mailbox? from = null;
        if (!path.IsEmpty)
        {
            var parsed = PathParser.ParseMailbox(path, parameters.SmtpUtf8, out from);
            if (parsed != PathParseStatus.Ok)
                return Refuse(parsed == PathParseStatus.NeedsSmtpUtf8 ? StandardReplies.NeedsSmtpUtf8 : StandardReplies.BadSenderAddress);
        }

        if (Rates is { } rates && !rates.TryTakeMessage())
            return Refuse(StandardReplies.MessageRateExceeded);
        return Hold(HeldMail(from, parameters, parameterText)) ?? AcceptMail(from, parameters);
    }

    private SessionStep AcceptMail(Mailbox? from, MailParameters parameters)
    {
        Transaction = new MailTransaction(from, parameters);
        State = SessionState.InTransaction;
        return new SessionStep(StandardReplies.SenderOk);
    }

    private SessionStep Recipient(ReadOnlySpan<byte> argument)
    {
        var transaction = Transaction!;
        var split = PathParser.Split(argument, "TO:"u8, out var path, out var parameterText);
        if (split != PathParseStatus.Ok)
            return Refuse(split == PathParseStatus.BadAddress ? StandardReplies.BadRecipientAddress : StandardReplies.RcptSyntax);
        if (!parameterText.IsEmpty)
            return Refuse(MailParameters.Unsupported(parameterText)); // no RCPT extensions (DSN) are offered

        Mailbox? recipient;
        if (System.Text.Ascii.EqualsIgnoreCase(path, "postmaster"u8))
            recipient = Mailbox.Postmaster;
        else
        {
            var parsed = PathParser.ParseMailbox(path, transaction.Parameters.SmtpUtf8, out recipient);
            if (parsed != PathParseStatus.Ok)
                return Refuse(parsed == PathParseStatus.NeedsSmtpUtf8 ? StandardReplies.NeedsSmtpUtf8 : StandardReplies.BadRecipientAddress);
        }

        // RFC 5321 §4.5.3.1.10: an exhausted recipient limit is a 452, and earlier recipients stay accepted.
        if (transaction.Recipients.Count >= Options.MaxRecipients)
            return ++transaction.ExcessRecipients <= Options.RecipientOvershoot
                ? new SessionStep(StandardReplies.TooManyRecipients)
                : Refuse(StandardReplies.TooManyRecipients);
        if (!MayReceive(recipient!))
            return Refuse(StandardReplies.RelayDenied);
        if (Rates is { } rates && !rates.TryTakeRecipient())
            return Refuse(StandardReplies.RecipientRateExceeded);
        return Hold(new PendingCommand(CheckedStages.RcptTo, Recipient: recipient)) ?? AcceptRecipient(recipient!);
    }

    private SessionStep AcceptRecipient(Mailbox recipient)
    {
        Transaction!.AddRecipient(recipient);
        return new SessionStep(StandardReplies.RecipientOk);
    }

    private SessionStep Data(ReadOnlySpan<byte> argument)
    {
        if (!argument.IsEmpty)
            return Refuse(StandardReplies.NoArguments);
        if (Transaction!.Recipients.Count == 0)
            return Refuse(StandardReplies.NeedRecipient);

        State = SessionState.ReceivingData;
        _inChunk = false;
        return new SessionStep(StandardReplies.StartMailInput, SessionAction.BeginData);
    }

    private SessionStep Reset()
    {
        Transaction = null;
        if (State is SessionState.InTransaction or SessionState.BetweenChunks)
            State = SessionState.Ready;
        return new SessionStep(StandardReplies.Ok);
    }

    private SessionStep Quit()
    {
        State = SessionState.Closed;
        return new SessionStep(Options.Replies.Closing, SessionAction.Close);
    }

    /// <summary>
    /// Open relay protection (RFC 5321 §3.6.1, RFC 2505): with accepted domains set, a client that may not relay
    /// reaches those domains only, and only mailboxes there: a local part that routes on ("%" hack, "!" path, a quoted
    /// "@") would have the final server relay for it (Postfix allow_untrusted_routing = no). A source route is dropped
    /// by the parser, so "@accepted:victim@elsewhere" is judged as victim@elsewhere.
    /// </summary>
    private bool MayReceive(Mailbox recipient) =>
        Options.AcceptedDomains.Count == 0 || recipient.Domain.Length == 0 || ClientMayRelay || AuthenticatedAs is not null
        || (Options.AcceptedDomains.Contains(recipient.Domain) && recipient.LocalPart.AsSpan().IndexOfAny('%', '!', '@') < 0);

    private static bool IsJunk(SmtpVerb verb) =>
        verb is SmtpVerb.Helo or SmtpVerb.Ehlo or SmtpVerb.Noop or SmtpVerb.Rset or SmtpVerb.Vrfy or SmtpVerb.Help;

    /// <summary>Past <see cref="SmtpSessionOptions.MaxJunkCommands"/>, a junk command keeps its reply but counts as an error.</summary>
    private SessionStep CountJunk(SessionStep step)
    {
        if (++JunkCommandCount <= Options.MaxJunkCommands || step.Action == SessionAction.Close)
            return step;
        if (++ErrorCount < Options.MaxErrors)
            return step;
        State = SessionState.Closed;
        return step with { Action = SessionAction.Close, Farewell = Options.Replies.TooManyErrors };
    }

    /// <summary>Counts an error; past the limit the session ends with 421 4.7.0 (Postfix hard error limit).</summary>
    private SessionStep Refuse(SmtpReply reply)
    {
        if (++ErrorCount < Options.MaxErrors)
            return new SessionStep(reply);
        State = SessionState.Closed;
        return new SessionStep(reply, SessionAction.Close, Options.Replies.TooManyErrors);
    }
}
