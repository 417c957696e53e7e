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
    /// <summary>Read <see cref="SessionStep.Chunk"/>'s octets as message data (RFC 3030), then call <c>CompleteChunk</c> (or, after LAST, <c>CompleteData</c>).</summary>
    BeginChunk,
    /// <summary>Write the reply (a refusal), then read and drop <see cref="SessionStep.Chunk"/>'s octets: RFC 3030 §2, they are data, never commands.</summary>
    SkipChunk,
    /// <summary>No reply yet: ask the policies about <see cref="SmtpSession.Pending"/> and report with <c>PolicyCompleted</c>.</summary>
    CheckPolicy,
}

/// <summary>A BDAT command's chunk: its size in octets, and whether it ends the message.</summary>
public readonly record struct BdatChunk(long Size, bool Last);

/// <summary>What one command line leads to: the reply, what the connection does next, and an optional last word.</summary>
public readonly record struct SessionStep(
    SmtpReply? Reply, SessionAction Action = SessionAction.Continue, SmtpReply? Farewell = null, Credentials? Credentials = null,
    BdatChunk Chunk = default);
