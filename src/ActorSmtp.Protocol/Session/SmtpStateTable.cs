using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>
/// Which command may come in which state (RFC 5321 §4.1.4), as one table: a command either runs
/// or gets the 503 listed for its state. Commands absent from the table are valid in any state.
/// </summary>
internal static class SmtpStateTable
{
    private static readonly Dictionary<SmtpVerb, Dictionary<SessionState, SmtpReply>> OutOfSequence = new()
    {
        [SmtpVerb.Mail] = new()
        {
            [SessionState.Connected] = StandardReplies.NeedHelo,
            [SessionState.InTransaction] = StandardReplies.NestedMail,
        },
        [SmtpVerb.Rcpt] = new()
        {
            [SessionState.Connected] = StandardReplies.NeedMail,
            [SessionState.Ready] = StandardReplies.NeedMail,
        },
        [SmtpVerb.Data] = new()
        {
            [SessionState.Connected] = StandardReplies.NeedMail,
            [SessionState.Ready] = StandardReplies.NeedMail,
        },
    };

    /// <summary>Returns the 503 reply when <paramref name="verb"/> is out of sequence, else null.</summary>
    public static SmtpReply? Check(SmtpVerb verb, SessionState state) =>
        OutOfSequence.TryGetValue(verb, out var refusals) && refusals.TryGetValue(state, out var reply) ? reply : null;
}
