using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>AUTH (RFC 4954): the command's checks, the SASL exchange, and the verdict on the credentials.</summary>
public sealed partial class SmtpSession
{
    private SaslExchange? _sasl;
    private int _authFailures;

    private SessionStep Auth(ReadOnlySpan<byte> argument)
    {
        if (Options.Auth == AuthMode.Off)
            return Refuse(StandardReplies.NotImplemented);
        if (Options.RequireTls && !IsSecure)
            return Refuse(StandardReplies.MustStartTls);
        // RFC 4954 §4: refuse plaintext passwords without even decoding them.
        if (!IsSecure && !Options.AllowInsecureAuth)
            return Refuse(StandardReplies.AuthNeedsEncryption);
        if (AuthenticatedAs is not null)
            return Refuse(StandardReplies.AlreadyAuthenticated);
        if (State is SessionState.InTransaction or SessionState.BetweenChunks)
            return Refuse(StandardReplies.AuthInTransaction);
        if (State == SessionState.Connected)
            return Refuse(StandardReplies.NeedHelo);
        // Postfix smtpd_client_auth_rate_limit: every AUTH counts, whatever its outcome, and is checked before
        // any SASL exchange, so password guessing spread over many connections meets the client's rate.
        if (Rates is { } rates && !rates.TryTakeAuth())
            return Refuse(StandardReplies.AuthRateExceeded);
        return Sasl(SaslExchange.Start(argument));
    }

    private SessionStep Sasl(SaslStep step)
    {
        _sasl = step.Next;
        if (step.Credentials is { } credentials)
            return new SessionStep(null, SessionAction.Authenticate, Credentials: credentials);
        return step.Next is null ? Refuse(step.Reply!) : new SessionStep(step.Reply);
    }

    /// <summary>
    /// The verdict on credentials from an <see cref="SessionAction.Authenticate"/> step. After
    /// <see cref="SmtpSessionOptions.MaxAuthFailures"/> failures the session ends with 421 4.7.0.
    /// </summary>
    public SessionStep AuthenticationCompleted(string? identity)
    {
        if (identity is not null)
        {
            AuthenticatedAs = identity;
            return new SessionStep(StandardReplies.AuthSucceeded);
        }
        if (++_authFailures < Options.MaxAuthFailures)
            return Refuse(StandardReplies.AuthFailed);
        State = SessionState.Closed;
        return new SessionStep(StandardReplies.AuthFailed, SessionAction.Close, Options.Replies.TooManyErrors);
    }
}
