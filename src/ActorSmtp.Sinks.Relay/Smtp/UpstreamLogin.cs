using System.Text;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>AUTH (RFC 4954) with PLAIN (RFC 4616), or LOGIN where only that is offered.</summary>
internal static class UpstreamLogin
{
    /// <exception cref="UpstreamUnavailableException">
    /// No common mechanism, or the credentials were refused. A refused login is the sink's configuration, not the
    /// message's fault: a temporary failure, as Postfix's smtp_sasl_auth_soft_bounce treats it.
    /// </exception>
    public static async Task AuthenticateAsync(UpstreamConnection connection, Credentials credentials, CancellationToken cancellationToken)
    {
        var mechanisms = connection.Capabilities.AuthMechanisms;
        var password = ReadPassword(credentials); // read now, held no longer than this login, never logged
        var reply = mechanisms.Contains("PLAIN") ? await PlainAsync(connection, credentials.User, password, cancellationToken).ConfigureAwait(false)
            : mechanisms.Contains("LOGIN") ? await LoginAsync(connection, credentials.User, password, cancellationToken).ConfigureAwait(false)
            : throw new UpstreamUnavailableException($"{connection.Host} offers no AUTH PLAIN or LOGIN{(connection.IsSecure ? "" : " (before TLS)")}");
        if (reply.Code != 235)
            throw new UpstreamUnavailableException($"{connection.Host} refused the login of {credentials.User}: {reply}");
    }

    private static string ReadPassword(Credentials credentials)
    {
        try
        {
            return credentials.Password();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new UpstreamUnavailableException($"cannot read the password of {credentials.User}: {ex.Message}", ex);
        }
    }

    // RFC 4616 §2: authzid NUL authcid NUL passwd, as the initial response (RFC 4954 §4).
    private static Task<UpstreamReply> PlainAsync(UpstreamConnection connection, string user, string password, CancellationToken cancellationToken) =>
        connection.CommandAsync("AUTH PLAIN " + Base64($"\0{user}\0{password}"), cancellationToken);

    // The LOGIN draft (draft-murchison-sasl-login): two 334 challenges, user then password.
    private static async Task<UpstreamReply> LoginAsync(UpstreamConnection connection, string user, string password, CancellationToken cancellationToken)
    {
        var reply = await connection.CommandAsync("AUTH LOGIN", cancellationToken).ConfigureAwait(false);
        if (reply.Code == 334)
            reply = await connection.CommandAsync(Base64(user), cancellationToken).ConfigureAwait(false);
        if (reply.Code == 334)
            reply = await connection.CommandAsync(Base64(password), cancellationToken).ConfigureAwait(false);
        return reply;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
