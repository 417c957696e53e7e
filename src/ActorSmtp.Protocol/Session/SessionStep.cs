using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

public enum SessionAction
{
    /// <summary>Write the reply and go on reading commands.</summary>
    Continue,
    /// <summary>Write the reply (354) and switch the input to message data.</summary>
    BeginData,
    /// <summary>Write the reply and the farewell (if any), then close the connection.</summary>
    Close,
    /// <summary>Write the reply (220), drop every byte already read, and start the TLS handshake (RFC 3207).</summary>
    StartTls,
    /// <summary>Verify <see cref="SessionStep.Credentials"/> and report with <c>AuthenticationCompleted</c>; no reply yet.</summary>
    Authenticate,
}

/// <summary>What one command line leads to: the reply, what the connection does next, and an optional last word.</summary>
public readonly record struct SessionStep(
    SmtpReply? Reply, SessionAction Action = SessionAction.Continue, SmtpReply? Farewell = null, Credentials? Credentials = null);
