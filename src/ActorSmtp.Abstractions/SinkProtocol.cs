namespace ActorSmtp.Sinks;

/// <summary>
/// The messages between a connection and a sink. A connection sends <see cref="Store"/> once per
/// message and waits for exactly one <see cref="Result"/> before it answers the client:
/// <see cref="Stored"/> becomes 250, <see cref="TemporaryFailure"/> 451, <see cref="PermanentFailure"/> 5xx.
/// <see cref="Abandoned"/> is the answer for a transaction the client broke off; its reply was decided by the connection.
/// </summary>
public static class SinkProtocol
{
    /// <summary>
    /// Store one message.
    /// </summary>
    /// <remarks>
    /// <see cref="Body"/> streams as it arrives from the client: a slow sink slows the client down. It
    /// <b>fails</b> when the transaction fails after it began (size overrun, bare CR/LF, client gone,
    /// timeout) with a <see cref="MessageBodyException"/> naming the cause: the sink must then discard
    /// whatever it wrote and store nothing. It completes only after the end of data was validated. A sink
    /// may answer before it has read the whole body (for example to refuse); the connection then drops the
    /// rest of the body and keeps the answer.
    /// </remarks>
    public sealed record Store(SmtpEnvelope Envelope, SniffedHeaders Headers, MessageBody Body)
    {
        public string MessageId => Envelope.MessageId;

        /// <summary>
        /// How long the sink has to answer once the body has ended (<see cref="MessageBody.Ended"/>: the end
        /// of data, or the transaction's failure); the sink's configured <c>timeout</c>. The time the body takes
        /// to arrive is the client's, bounded by <c>data-timeout</c> and <c>min-data-rate</c>, and does not
        /// count; while it arrives, a sink that stops reading it for longer than its timeout is given up on
        /// (the body fails with <see cref="BodyFailureCause.SinkTimeout"/>). After the deadline the client
        /// has been told 451 already, so the sink must give up and store nothing:
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

    /// <summary>
    /// Nothing stored because the transaction failed on the client's side before its end of data: the body
    /// failed with a <see cref="MessageBodyException"/> whose <see cref="MessageBodyException.IsClientFault"/>
    /// holds. The connection has answered the client already (552, 550 5.6.11, ...) or lost it. It is not a
    /// failure of the sink: the circuit breaker, the fallback and the health check ignore it.
    /// </summary>
    public sealed record Abandoned(string MessageId, BodyFailureCause Cause) : Result(MessageId);

    /// <summary>Refused for good: the client gets <paramref name="Code"/> (5xx) with the enhanced code and text.</summary>
    public sealed record PermanentFailure(string MessageId, int Code, string EnhancedCode, string Text) : Result(MessageId);
}
