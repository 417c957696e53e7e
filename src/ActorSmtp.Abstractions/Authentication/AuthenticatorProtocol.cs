using System.Net;

namespace ActorSmtp.Authentication;

/// <summary>
/// The messages between a connection and the authenticator: one <see cref="Authenticate"/> per AUTH
/// attempt, answered with <see cref="Authenticated"/> or <see cref="Rejected"/>.
/// </summary>
public static class AuthenticatorProtocol
{
    /// <summary>Check these credentials. Never log <see cref="Password"/>.</summary>
    public sealed record Authenticate(string UserName, string Password, IPEndPoint Client)
    {
        // Keeps the password out of log lines and dead-letter dumps that print messages.
        public override string ToString() => $"Authenticate {{ UserName = {UserName}, Client = {Client} }}";
    }

    /// <summary>The credentials are valid; <paramref name="Identity"/> goes into the envelope.</summary>
    public sealed record Authenticated(string Identity);

    /// <summary>The credentials are not valid (or could not be checked).</summary>
    public sealed record Rejected
    {
        public static readonly Rejected Instance = new();
    }
}
