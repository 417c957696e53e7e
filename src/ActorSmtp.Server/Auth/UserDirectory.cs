using ActorSmtp.Protocol.Session;

namespace ActorSmtp.Server.Auth;

/// <summary>The users configured under <c>actorsmtp.auth.users</c>: names and salted password hashes.</summary>
internal sealed class UserDirectory(IReadOnlyDictionary<string, string> hashesByName)
{
    // Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
    private static readonly string Decoy = PasswordHash.Create(Guid.NewGuid().ToString());

    /// <summary>The identity for valid credentials, else null. CPU-heavy by design: call off the I/O threads.</summary>
    public string? Verify(Credentials credentials)
    {
        var known = hashesByName.TryGetValue(credentials.UserName, out var hash);
        var valid = PasswordHash.Verify(credentials.Password, known ? hash! : Decoy);
        return known && valid ? credentials.UserName : null;
    }
}
