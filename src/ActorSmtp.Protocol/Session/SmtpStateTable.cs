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
            [SessionState.BetweenChunks] = StandardReplies.NestedMail,
        },
        // Postfix: the envelope is final once a chunk went to the queue file ("RCPT after BDAT").
        [SmtpVerb.Rcpt] = new()
        {
            [SessionState.Connected] = StandardReplies.NeedMail,
            [SessionState.Ready] = StandardReplies.NeedMail,
            [SessionState.BetweenChunks] = StandardReplies.RcptAfterBdat,
        },
        // RFC 3030 §2: one message is sent with DATA or with BDAT, never both.
        [SmtpVerb.Data] = new()
        {
            [SessionState.Connected] = StandardReplies.NeedMail,
            [SessionState.Ready] = StandardReplies.NeedMail,
            [SessionState.BetweenChunks] = StandardReplies.DataAfterBdat,
        },
        [SmtpVerb.Bdat] = new()
        {
            [SessionState.Connected] = StandardReplies.NeedMail,
            [SessionState.Ready] = StandardReplies.NeedMail,
        },
    };

    /// <summary>Returns the 503 reply when <paramref name="verb"/> is out of sequence, else null.</summary>
    public static SmtpReply? Check(SmtpVerb verb, SessionState state) =>
        OutOfSequence.TryGetValue(verb, out var refusals) && refusals.TryGetValue(state, out var reply) ? reply : null;
}
