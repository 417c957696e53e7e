using Akka.Actor;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>Messages of <see cref="SinkSupervisor"/> besides <see cref="SinkProtocol"/>.</summary>
public static class SinkSupervisorProtocol
{
    /// <summary>Asks for a <see cref="Health"/>.</summary>
    public sealed record GetHealth
    {
        public static readonly GetHealth Instance = new();
    }

    /// <param name="Running">The sink actor is up (not waiting for a restart after a crash).</param>
    /// <param name="CircuitOpen">Recent temporary failures opened the circuit breaker: messages are not sent to the sink.</param>
    /// <param name="Pending">Messages the sink has not answered yet.</param>
    public sealed record Health(string Sink, bool Running, bool CircuitOpen, int Pending)
    {
        public bool IsHealthy => Running && !CircuitOpen;
    }

    /// <summary>Asks for <see cref="FirstStart"/> once the sink's first incarnation has started or failed to.</summary>
    internal sealed record AwaitFirstStart
    {
        public static readonly AwaitFirstStart Instance = new();
    }

    /// <param name="Failure">Why the sink could not be created (its constructor threw), or null when it runs.</param>
    internal sealed record FirstStart(Exception? Failure);

    internal sealed record RestartSink
    {
        public static readonly RestartSink Instance = new();
    }

    internal sealed record CheckDeadlines
    {
        public static readonly CheckDeadlines Instance = new();
    }

    /// <summary>The copy of a body a fallback needs is complete; hand it over on behalf of <paramref name="ReplyTo"/>.</summary>
    internal sealed record FallbackReady(SinkProtocol.Store Store, IActorRef ReplyTo);
}
