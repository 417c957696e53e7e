using ActorSmtp.Protocol.Addresses;

namespace ActorSmtp.Protocol.Session;

/// <summary>
/// A command that passed the session's own checks and waits for the policies' decision
/// (<see cref="SessionAction.CheckPolicy"/>): what it would establish once accepted.
/// </summary>
/// <param name="Stage">Which command: HELO/EHLO, MAIL or RCPT.</param>
/// <param name="HeloName">HELO/EHLO: the name given.</param>
/// <param name="Extended">HELO/EHLO: EHLO.</param>
/// <param name="From">MAIL: the reverse path; null for &lt;&gt;.</param>
/// <param name="Parameters">MAIL: the parsed parameters.</param>
/// <param name="ParameterText">MAIL: the parameters as sent.</param>
/// <param name="Recipient">RCPT: the recipient.</param>
public sealed record PendingCommand(
    CheckedStages Stage,
    string? HeloName = null,
    bool Extended = false,
    Mailbox? From = null,
    MailParameters? Parameters = null,
    string ParameterText = "",
    Mailbox? Recipient = null);
