using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>
/// Commands that wait for the server's policies (<see cref="SmtpSessionOptions.CheckedStages"/>): the command is
/// held as a <see cref="PendingCommand"/>, and <see cref="PolicyCompleted"/> accepts it or refuses it.
/// </summary>
public sealed partial class SmtpSession
{
    /// <summary>The command waiting for the policies' decision, or null.</summary>
    public PendingCommand? Pending { get; private set; }

    /// <summary>
    /// The policies' decision on <see cref="Pending"/>: null accepts it (its usual reply, its state change); a
    /// refusal is the reply instead and counts as an error, as the session's own refusals do.
    /// </summary>
    public SessionStep PolicyCompleted(SmtpReply? refusal)
    {
        var pending = Pending ?? throw new InvalidOperationException("No command waits for a policy decision.");
        Pending = null;
        if (refusal is not null)
            return Refuse(refusal);
        return pending.Stage switch
        {
            CheckedStages.Helo => AcceptHello(pending.HeloName!, pending.Extended),
            CheckedStages.MailFrom => AcceptMail(pending.From, pending.Parameters!),
            _ => AcceptRecipient(pending.Recipient!),
        };
    }

    /// <summary>The step that holds <paramref name="pending"/> for the policies, when its stage is checked.</summary>
    private SessionStep? Hold(PendingCommand pending)
    {
        if ((Options.CheckedStages & pending.Stage) == 0)
            return null;
        Pending = pending;
        return new SessionStep(null, SessionAction.CheckPolicy);
    }

    private static string Text(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(bytes);

    private PendingCommand HeldHello(ReadOnlySpan<byte> name, bool extended) =>
        new(CheckedStages.Helo, HeloName: Text(name), Extended: extended);

    private static PendingCommand HeldMail(Mailbox? from, MailParameters parameters, ReadOnlySpan<byte> text) =>
        new(CheckedStages.MailFrom, From: from, Parameters: parameters, ParameterText: Text(text));
}
