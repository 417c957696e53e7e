using Akka.Hosting;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Listener;

namespace ActorSmtp.Server.Hosting;

/// <summary>Akka.Hosting registration of ActorSmtp.</summary>
public static class ActorSmtpHostingExtensions
{
    /// <summary>
    /// Starts ActorSmtp when the actor system starts: the configured sink under its supervisor and the
    /// listener, registered as <see cref="SmtpListenerActor"/>. Start-up fails if an endpoint cannot be bound.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorSmtp(this AkkaConfigurationBuilder builder, ActorSmtpSettings settings) =>
        builder.WithActors(async (system, registry) =>
        {
            var server = await ActorSmtpServer.StartAsync(system, settings).ConfigureAwait(false);
            registry.Register<SmtpListenerActor>(server.Listener);
        });
}
