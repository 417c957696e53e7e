namespace ActorSmtp.Protocol.Session;

/// <summary>
/// Per-client rate limits shared by every session of one client address (Postfix anvil:
/// smtpd_client_message_rate_limit, _recipient_rate_limit, _auth_rate_limit, _new_tls_session_rate_limit).
/// The session asks before it accepts a MAIL or RCPT (a refusal: 452 4.7.0), before it starts an AUTH
/// exchange (450 4.7.1) and before it starts a STARTTLS handshake (421 4.7.0 and close).
/// </summary>
public interface IClientRates
{
    /// <summary>Counts one message (an accepted MAIL) if the client's rate allows it.</summary>
    bool TryTakeMessage();

    /// <summary>Counts one recipient (an accepted RCPT) if the client's rate allows it.</summary>
    bool TryTakeRecipient();

    /// <summary>Counts one AUTH command, whatever its outcome, if the client's rate allows it.</summary>
    bool TryTakeAuth();

    /// <summary>Counts one new TLS session (STARTTLS or implicit TLS) before its handshake, if the client's rate allows it.</summary>
    bool TryTakeTlsSession();
}
