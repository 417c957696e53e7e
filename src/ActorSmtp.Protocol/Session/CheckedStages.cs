namespace ActorSmtp.Protocol.Session;

/// <summary>
/// The commands whose acceptance waits for a decision outside the session (the server's policies): such a
/// command, once it passed every check of the session's own, returns <see cref="SessionAction.CheckPolicy"/>
/// instead of its reply. None by default: the session then answers at once, as without policies.
/// </summary>
[Flags]
public enum CheckedStages
{
    None = 0,
    Helo = 1,
    MailFrom = 2,
    RcptTo = 4,
}
