using Akka.Configuration;
using ActorSmtp.Authentication;
using ActorSmtp.Protocol.Session;

namespace ActorSmtp.Server.Auth;

/// <summary>The built-in authenticator: the users of <c>actorsmtp.auth.users</c>, checked on the thread pool.</summary>
internal sealed class ConfiguredUsersAuthenticator(UserDirectory users) : AuthenticatorActor
{
    protected override Task<string?> AuthenticateAsync(AuthenticatorProtocol.Authenticate request) =>
        Task.Run(() => users.Verify(new Credentials(request.UserName, request.Password))); // PBKDF2: slow on purpose
}
