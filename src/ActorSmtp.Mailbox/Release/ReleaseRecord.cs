namespace ActorSmtp.Mailbox.Release;

/// <summary>
/// One release of a captured message, as kept in <c>&lt;id&gt;.releases</c> beside its files (one JSON object per line)
/// and shown in the message's view: when, to whom, through which sink, and what the upstream said.
/// </summary>
/// <param name="Relayed">The upstream accepted it (the relay sink answered Stored).</param>
/// <param name="Reply">The upstream's reply or the failure, as the client of an SMTP session would have seen it.</param>
public sealed record ReleaseRecord(DateTimeOffset At, IReadOnlyList<string> To, string Sink, bool Relayed, string Reply);
