namespace ActorSmtp.Sinks;

/// <summary>
/// A fault <c>actorsmtp.faults</c> injected on the way to a message (a 451 at RCPT, a delay, the lost acknowledgement
/// after storing it): recorded in its envelope, so a test tells an injected fault from a real one.
/// </summary>
/// <param name="Rule">The rule's name ("rules[0]", its <c>name</c>) or the recipient tag ("tag fault-rcpt-451").</param>
/// <param name="Stage">Where: connect, helo, starttls, auth, mail, rcpt, data, body, bdat, end-of-data.</param>
/// <param name="Action">What: reply, disconnect, reset, stall, slow, delay, store-then-disconnect, store-then-reply.</param>
public sealed record InjectedFault(string Rule, string Stage, string Action);
