using Akka.Actor;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Hosting;

/// <summary>Per actor system: the server started in it with its settings, for <see cref="SmtpHealth"/>.</summary>
public sealed class RunningServer : IExtension
{
    private volatile Running? _running;

    private RunningServer()
    {
    }

    /// <summary>The server started in <paramref name="system"/> with its settings, or null before.</summary>
    public static (ActorSmtpServer Server, ActorSmtpSettings Settings)? Of(ActorSystem system) =>
        system.WithExtension<RunningServer, Provider>()._running is { } r ? (r.Server, r.Settings) : null;

    /// <summary>Records the server started in <paramref name="system"/> and returns it.</summary>
    internal static ActorSmtpServer Started(ActorSystem system, ActorSmtpServer server, ActorSmtpSettings settings)
    {
        system.WithExtension<RunningServer, Provider>()._running = new Running(server, settings);
        return server;
    }

    private sealed record Running(ActorSmtpServer Server, ActorSmtpSettings Settings);

    private sealed class Provider : ExtensionIdProvider<RunningServer>
    {
        public override RunningServer CreateExtension(ExtendedActorSystem system) => new();
    }
}
