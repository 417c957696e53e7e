using Akka.Actor;

namespace ActorSmtp.Authentication;

/// <summary>
/// Base class for authenticators: implement <see cref="AuthenticateAsync"/> and return the identity, or
/// null to reject. Configure with <c>actorsmtp.auth.authenticator = "Namespace.Class, Assembly"</c>; the
/// class needs a public constructor taking the <c>actorsmtp.auth</c> block (<c>Akka.Configuration.Config</c>).
/// </summary>
/// <remarks>
/// Requests run concurrently, off the actor's mailbox. An exception counts as a rejection. The server adds
/// the failure delay and the lockout itself. After the first <c>await</c> there is no actor context.
/// </remarks>
public abstract class AuthenticatorActor : UntypedActor
{
    protected abstract Task<string?> AuthenticateAsync(AuthenticatorProtocol.Authenticate request);

    protected sealed override void OnReceive(object message)
    {
        if (message is not AuthenticatorProtocol.Authenticate request)
        {
            Unhandled(message);
            return;
        }
        AuthenticateAsync(request).PipeTo(Sender, Self,
            success: identity => identity is null ? AuthenticatorProtocol.Rejected.Instance : new AuthenticatorProtocol.Authenticated(identity),
            failure: _ => AuthenticatorProtocol.Rejected.Instance);
    }
}
