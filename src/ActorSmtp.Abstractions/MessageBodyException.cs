namespace ActorSmtp.Sinks;

/// <summary>
/// The failure a <see cref="MessageBody"/> throws to its reader when the transaction failed before the end of
/// data. <see cref="Cause"/> says why, and <see cref="IsClientFault"/> whether the sink had any part in it.
/// </summary>
/// <remarks>
/// A sink that catches it stores nothing and may answer anything but <see cref="SinkProtocol.Stored"/>:
/// <see cref="MessageSinkActor"/> turns the answer into <see cref="SinkProtocol.Abandoned"/> when
/// <see cref="IsClientFault"/> holds, so that a client's mistakes never count as the sink's failures
/// (circuit breaker, fallback, health). A sink not derived from it should answer <see cref="SinkProtocol.Abandoned"/> itself.
/// </remarks>
public sealed class MessageBodyException(BodyFailureCause cause, string message) : IOException(message)
{
    /// <summary>Why the body failed.</summary>
    public BodyFailureCause Cause { get; } = cause;

    /// <summary>
    /// True when the transaction failed on the client's side: the client, its connection or the limits its
    /// session is held to. Such a failure says nothing about the sink. False when the sink itself answered
    /// early or stalled (<see cref="BodyFailureCause.SinkAnswered"/>, <see cref="BodyFailureCause.SinkTimeout"/>).
    /// </summary>
    public bool IsClientFault => Cause is not (BodyFailureCause.SinkAnswered or BodyFailureCause.SinkTimeout);

    /// <summary>The client-caused failure behind <paramref name="failure"/> (itself, or an inner exception), if any.</summary>
    public static MessageBodyException? ClientFaultIn(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is MessageBodyException { IsClientFault: true } fault)
                return fault;
        return null;
    }
}
