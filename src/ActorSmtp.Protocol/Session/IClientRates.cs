namespace ActorSmtp.Protocol.Session;

/// <summary>
/// Per-client rate limits shared by every session of one client address (message and recipient rates,
/// Postfix smtpd_client_message_rate_limit / _recipient_rate_limit). The session asks before it accepts
/// a MAIL or RCPT; a refusal becomes 452 4.7.0 and counts as an error.
/// </summary>
public interface IClientRates
{
    /// <summary>Counts one message (an accepted MAIL) if the client's rate allows it.</summary>
    bool TryTakeMessage();

    /// <summary>Counts one recipient (an accepted RCPT) if the client's rate allows it.</summary>
    bool TryTakeRecipient();
}
