using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Sinks;

namespace ActorSmtp.Server.Hosting;

/// <summary>Akka.Hosting registration of ActorSmtp.</summary>
public static class ActorSmtpHostingExtensions
{
    /// <summary>
    /// Starts ActorSmtp when the actor system starts: the configured sink under its supervisor and the
    /// listener, registered as <see cref="SmtpListenerActor"/>. Start-up fails if an endpoint cannot be bound.
    /// </summary>
    /// <param name="cluster">Makes this node's part in a cluster with its actor system (required when <c>actorsmtp.cluster.enabled = on</c>).</param>
    public static AkkaConfigurationBuilder WithActorSmtp(
        this AkkaConfigurationBuilder builder, ActorSmtpSettings settings, Func<ActorSystem, IClusterPart>? cluster = null) =>
        builder.WithActors((system, registry) => StartAsync(system, registry, settings, cluster));

    /// <summary>
    /// As above, except that a failure to start (an endpoint that cannot be bound, say) goes to
    /// <paramref name="onStartFailure"/> and stops the actor system, and so the host, instead of failing the host's
    /// start, which Akka.Hosting reports on the console with a stack trace. For a host that tells the operator itself.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorSmtp(
        this AkkaConfigurationBuilder builder, ActorSmtpSettings settings, Action<Exception> onStartFailure,
        Func<ActorSystem, IClusterPart>? cluster = null) =>
        builder.WithActors(async (system, registry) =>
        {
            try
            {
                await StartAsync(system, registry, settings, cluster).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                onStartFailure(ex);
                _ = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance); // Akka.Hosting then stops the host
            }
        });

    /// <summary>
    /// Reads <paramref name="config"/> (layered over the reference defaults by the caller, see
    /// <see cref="ActorSmtpConfig"/>) with sink types registered in code, then starts ActorSmtp as above.
    /// </summary>
    /// <example><code>
    /// akka.WithActorSmtp(ActorSmtpConfig.Load("smtp.conf"), sinks => sinks
    ///     .Register("webhook", config => Props.Create(() => new WebhookSink(config, httpClient))));
    /// </code>and in smtp.conf: <c>sink = hooks, sinks.hooks { type = webhook, url = "https://..." }</c></example>
    public static AkkaConfigurationBuilder WithActorSmtp(
        this AkkaConfigurationBuilder builder, Config config, Action<SinkCatalog> registerSinks)
    {
        var catalog = new SinkCatalog();
        registerSinks(catalog);
        return builder.WithActorSmtp(ActorSmtpSettings.FromConfig(config, catalog));
    }

    private static async Task StartAsync(
        ActorSystem system, IActorRegistry registry, ActorSmtpSettings settings, Func<ActorSystem, IClusterPart>? cluster)
    {
        var server = await ActorSmtpServer.StartAsync(system, settings, cluster: cluster?.Invoke(system)).ConfigureAwait(false);
        registry.Register<SmtpListenerActor>(server.Listener);
    }
}
