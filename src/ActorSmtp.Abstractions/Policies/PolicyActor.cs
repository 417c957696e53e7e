using Akka.Actor;

namespace ActorSmtp.Policies;

/// <summary>
/// Base class for policies: implement <see cref="CheckAsync"/> and return a verdict. The connection asks each
/// configured policy, in order, at the stages it is configured for (<c>actorsmtp.policies</c>); the first verdict
/// that is not an accept is the client's reply to that command.
/// </summary>
/// <remarks>
/// Checks run concurrently, never blocking the mailbox; a verdict that is ready at once (a lookup in memory) is
/// answered without a continuation. An exception from <see cref="CheckAsync"/>, or a verdict later than the
/// policy's <c>timeout</c>, gets the policy's <c>on-timeout</c> answer (default: defer with 451 4.3.0). An
/// exception thrown before the first <c>await</c> also crashes the actor, which its supervisor restarts; checks
/// sent meanwhile wait in the mailbox and meet their timeout. Replies are validated by the server: a reject must
/// be 5xx, a defer 4xx, each with a matching enhanced code (RFC 3463) and one line of text; anything else becomes
/// 451 4.3.0 and a log line. Subclasses need a public constructor taking their entry in <c>actorsmtp.policies</c>
/// (<c>Akka.Configuration.Config</c>) to be configured by <c>type = "Namespace.Class, Assembly"</c>.
/// </remarks>
public abstract class PolicyActor : UntypedActor
{
    /// <summary>Decides about one check. After its first <c>await</c> it is no longer inside the actor.</summary>
    protected abstract ValueTask<PolicyProtocol.Verdict> CheckAsync(PolicyProtocol.Check check);

    /// <summary>Messages other than <see cref="PolicyProtocol.Check"/>; unhandled by default.</summary>
    protected virtual void OnOther(object message) => Unhandled(message);

    protected sealed override void OnReceive(object message)
    {
        if (message is not PolicyProtocol.Check check)
        {
            OnOther(message);
            return;
        }
        var replyTo = Sender;
        ValueTask<PolicyProtocol.Verdict> checking;
        try
        {
            checking = CheckAsync(check);
        }
        catch
        {
            replyTo.Tell(new PolicyProtocol.Answer(check.Id, null), Self);
            throw; // the supervisor restarts the policy
        }
        if (checking.IsCompletedSuccessfully)
            replyTo.Tell(new PolicyProtocol.Answer(check.Id, checking.Result), Self);
        else
            AnswerWhenDone(checking.AsTask(), check.Id, replyTo);
    }

    private void AnswerWhenDone(Task<PolicyProtocol.Verdict> checking, long id, IActorRef replyTo)
    {
        var self = Self;
        checking.ContinueWith(done => replyTo.Tell(new PolicyProtocol.Answer(id, done.IsCompletedSuccessfully ? done.Result : null), self),
            TaskContinuationOptions.ExecuteSynchronously);
    }
}
