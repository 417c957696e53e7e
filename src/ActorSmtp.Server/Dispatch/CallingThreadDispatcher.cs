using Akka.Configuration;
using Akka.Dispatch;

namespace ActorSmtp.Server.Dispatch;

/// <summary>
/// Runs an actor's mailbox on the thread that sends it a message, when the actor is not already running.
/// </summary>
/// <remarks>
/// For connection actors, almost every message is "a read completed" sent by the socket's completion —
/// which, with inline completions, is the epoll thread. Running the actor right there removes the
/// thread-pool hop that otherwise precedes every SMTP command (the dominant cost per small message in
/// the load tests). It is safe for connections because nothing they do blocks (replies are non-blocking
/// sends, sinks run on their own dispatcher) and at most one read is outstanding per connection, so the
/// mailbox never holds more than a few messages. The sink supervisors use it too: they only forward.
/// So does the listener: it accepts, spawns and counts, never blocks, and its messages (an accepted
/// socket, a connection that ended) come from the same completions.
/// A mailbox that becomes runnable while the thread is already running one is run after it, on the same
/// thread (a trampoline), never nested.
/// Actor semantics are unchanged: one message at a time, in order. Not for actors that block or receive
/// floods of messages (sinks themselves stay on Akka's default dispatcher).
/// </remarks>
public sealed class CallingThreadDispatcher(MessageDispatcherConfigurator configurator) : MessageDispatcher(configurator)
{
    /// <summary>The HOCON path of this dispatcher's configuration (set in the reference configuration).</summary>
    public const string ConfigPath = "actorsmtp.calling-thread-dispatcher";

    // Mailboxes that become runnable while this thread is already running one wait here instead of
    // nesting: a burst of messages (say, thousands of connections telling one sink supervisor) must
    // not turn into a deep recursion of mailbox runs on one stack.
    [ThreadStatic] private static Queue<IRunnable>? _pending;
    [ThreadStatic] private static bool _running;

    protected override void ExecuteTask(IRunnable run)
    {
        if (_running)
        {
            (_pending ??= new Queue<IRunnable>()).Enqueue(run);
            return;
        }
        _running = true;
        try
        {
            run.Run();
            while (_pending is not null && _pending.TryDequeue(out var next))
                next.Run();
        }
        finally
        {
            _running = false;
            // Only after an exception can work be left here; hand it to the pool rather than strand it.
            while (_pending is not null && _pending.TryDequeue(out var left))
                ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), left, preferLocal: false);
        }
    }

    protected override void Shutdown()
    {
    }

}

/// <summary>Configures <see cref="CallingThreadDispatcher"/> from HOCON: <c>type = "ActorSmtp.Server.Dispatch.CallingThreadDispatcherConfigurator, ActorSmtp.Server"</c>.</summary>
public sealed class CallingThreadDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly CallingThreadDispatcher _dispatcher;

    public CallingThreadDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites) => _dispatcher = new CallingThreadDispatcher(this);

    public override MessageDispatcher Dispatcher() => _dispatcher;
}
