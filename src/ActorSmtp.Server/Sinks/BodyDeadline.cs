using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// A sink's deadline for one message, run from the end of its body (<see cref="MessageBody.Ended"/>) rather than
/// from the Store: the time the body takes to arrive is the client's, which data-timeout and min-data-rate bound.
/// </summary>
/// <remarks>
/// The end is noticed at the first periodic check after it, so it costs nothing per message or chunk (no
/// continuation, no actor message); the check's period is the error. A mutable struct: keep it in a field.
/// </remarks>
internal struct BodyDeadline(MessageBody body)
{
    private readonly Task _ended = body.Ended;
    private DateTime? _endedAt = body.IsComplete ? DateTime.UtcNow : null;

    /// <summary>True once <paramref name="timeout"/> has passed since the body ended.</summary>
    public bool IsOverdue(DateTime now, TimeSpan timeout)
    {
        if (_endedAt is null && _ended.IsCompleted)
            _endedAt = now;
        return _endedAt + timeout <= now;
    }
}
