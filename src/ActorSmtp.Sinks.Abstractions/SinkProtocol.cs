namespace ActorSmtp.Sinks;

/// <summary>
/// The messages between a connection and a sink. A connection sends <see cref="Store"/> once per
/// message and waits for exactly one <see cref="Result"/> before it answers the client:
/// <see cref="Stored"/> becomes 250, <see cref="TemporaryFailure"/> 451, <see cref="PermanentFailure"/> 5xx.
/// </summary>
public static class SinkProtocol
{
    /// <summary>
    /// Store one message.
    /// </summary>
    /// <remarks>
    /// <see cref="Body"/> streams as it arrives from the client: a slow sink slows the client down. It
    /// <b>fails</b> when the transaction fails after it began (size overrun, bare CR/LF, client gone,
    /// timeout): the sink must then discard whatever it wrote and store nothing. It completes only after
    /// the end of data was validated. A sink may answer before it has read the whole body (for example
    /// to refuse); the connection then drops the rest of the body and keeps the answer.
    /// </remarks>
    public sealed record Store(SmtpEnvelope Envelope, SniffedHeaders Headers, MessageBody Body)
    {
        public string MessageId => Envelope.MessageId;

        /// <summary>
        /// How long the sink has, from receiving this request, to answer it; the sink's configured <c>timeout</c>.
        /// After it the client has been told 451 already, so the sink must give up and store nothing:
        /// <see cref="MessageSinkActor"/> cancels the token it passes to <c>StoreAsync</c> then.
        /// </summary>
        public TimeSpan? Timeout { get; init; }
    }

    /// <summary>The outcome of one <see cref="Store"/>, tied to it by <see cref="MessageId"/>.</summary>
    public abstract record Result(string MessageId);

    /// <summary>The message is durably stored; <paramref name="Location"/> says where (a path, a blob name).</summary>
    public sealed record Stored(string MessageId, string Location) : Result(MessageId);

    /// <summary>
    /// Not stored now; the client should retry later. <paramref name="Reason"/> goes to the log only;
    /// the client gets <paramref name="Code"/> <paramref name="EnhancedCode"/> and <paramref name="ReplyText"/>
    /// or a generic text, so internal error messages never leak into SMTP replies.
    /// </summary>
    public sealed record TemporaryFailure(
        string MessageId, string Reason, int Code = 451, string EnhancedCode = "4.3.0", string? ReplyText = null)
        : Result(MessageId);

    /// <summary>Refused for good: the client gets <paramref name="Code"/> (5xx) with the enhanced code and text.</summary>
    public sealed record PermanentFailure(string MessageId, int Code, string EnhancedCode, string Text) : Result(MessageId);
}
