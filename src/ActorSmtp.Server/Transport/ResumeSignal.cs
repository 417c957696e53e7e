using System.Threading.Tasks.Sources;

namespace ActorSmtp.Server.Transport;

/// <summary>
/// A reusable one-slot handoff from the connection actor back to its read loop, allocation-free
/// per read. Continuations run inline on the signalling thread on purpose: the loop then issues
/// its next read right there instead of paying a thread-pool hop.
/// </summary>
internal sealed class ResumeSignal : IValueTaskSource<ReadAdvance>
{
    private ManualResetValueTaskSourceCore<ReadAdvance> _core; // mutable struct: never make it readonly

    public ValueTask<ReadAdvance> WaitAsync()
    {
        _core.Reset();
        return new ValueTask<ReadAdvance>(this, _core.Version);
    }

    public void Signal(ReadAdvance advance) => _core.SetResult(advance);

    public ReadAdvance GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
