using Akka.Actor;
using Akka.Pattern;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Connection;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// Runs the configured sink under a backoff supervisor: a crashing sink is restarted after a growing
/// pause, and while it is down every request is answered at once with <see cref="SinkProtocol.Unavailable"/>,
/// which connections turn into 451 4.3.0. The sending MTA retries, so nothing is lost and nobody hangs.
/// </summary>
internal static class SinkSupervision
{
    public static IActorRef Start(IActorRefFactory system, ActorSmtpSettings settings)
    {
        var sinkProps = Props.Create(settings.SinkType, settings.SinkConfig);
        if (settings.SinkDispatcher is not null)
            sinkProps = sinkProps.WithDispatcher(settings.SinkDispatcher);
        var restart = settings.SinkRestart;
        var options = Backoff.OnFailure(sinkProps, settings.Sink, restart.MinBackoff, restart.MaxBackoff, restart.RandomFactor, -1)
            .WithReplyWhileStopped(SinkProtocol.Unavailable.Instance);
        // The supervisor only forwards: running it on the sender's thread saves a hop per message.
        var supervisor = BackoffSupervisor.Props(options).WithDispatcher(CallingThreadDispatcher.ConfigPath);
        return system.ActorOf(supervisor, $"sink-{settings.Sink}");
    }
}
