using System.Net;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Auth;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Connection;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Policies;
using ActorSmtp.Server.Sinks;
using ActorSmtp.Server.Tls;

namespace ActorSmtp.Server.Hosting;

/// <summary>A running ActorSmtp inside an <see cref="ActorSystem"/>: the sink, the listener and the endpoints it bound.</summary>
public sealed class ActorSmtpServer
{
    private ActorSmtpServer(IActorRef listener, SinkTopology sinks, IReadOnlyList<IPEndPoint> endPoints, IClusterPart? cluster = null,
        Faults.FaultBook? faults = null)
    {
        Faults = faults;
        Listener = listener;
        Sinks = sinks;
        EndPoints = endPoints;
        Cluster = cluster;
    }

    /// <summary>This node's part in the cluster, when <c>actorsmtp.cluster.enabled = on</c>.</summary>
    public IClusterPart? Cluster { get; }

    public IActorRef Listener { get; }

    /// <summary>The fault rules in force, when <c>actorsmtp.faults.enabled = on</c> (the run-time API replaces them).</summary>
    internal Faults.FaultBook? Faults { get; }

    /// <summary>The running sinks and the entry connections send messages to.</summary>
    public SinkTopology Sinks { get; }

    /// <summary>Where connections send messages (the router, or the default sink's supervisor).</summary>
    public IActorRef Sink => Sinks.Entry;

    /// <summary>Bound endpoints in configuration order, ephemeral ports resolved.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>Starts the sink and the listener and binds every endpoint; throws if any cannot be bound.</summary>
    /// <param name="cluster">
    /// This node's part in a cluster (ActorSmtp.Cluster's ClusterNode), required when <c>actorsmtp.cluster.enabled = on</c>.
    /// </param>
    /// <exception cref="SettingsException">The cluster is on in <paramref name="settings"/> but no <paramref name="cluster"/> is given.</exception>
    public static async Task<ActorSmtpServer> StartAsync(
        ActorSystem system, ActorSmtpSettings settings, string name = "smtp", IClusterPart? cluster = null)
    {
        // Without its cluster part a cluster node would count per-client limits on this node alone: refuse, never widen.
        if (settings.ClusterEnabled && cluster is null)
            throw new SettingsException($"{ActorSmtpSettings.Root}.cluster.enabled", "is on, but the cluster part (ActorSmtp.Cluster) is not wired");
        // Actor systems made without our configuration still need its Akka-level parts (mailbox, dispatcher).
        system.Settings.InjectTopLevelFallback(ActorSmtpConfig.Reference);
        WarnIfOpen(system, settings);
        var sinks = cluster?.StartSinks(system, settings) ?? SinkTopology.Start(system, settings);
        await sinks.EnsureStartedAsync(settings, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (cluster is { SpeaksSmtp: false }) // a storage-only cluster node: no listener
        {
            cluster.Start(settings, sinks, listener: null);
            return RunningServer.Started(system, new ActorSmtpServer(ActorRefs.Nobody, sinks, [], cluster), settings);
        }
        var tls = settings.Endpoints.Any(e => e.Tls != EndpointTls.None) ? new CertificateStore(settings.Tls, settings.Hostname) : null;
        if (tls?.SelfSigned is { } selfSigned)
            system.Log.Info(selfSigned.Made
                ? "made a self-signed certificate for {0} in {1} (clients that verify certificates will refuse it; configure actorsmtp.tls for a real one)"
                : "using the self-signed certificate for {0} in {1}", settings.Hostname, selfSigned.File);
        var authenticator = settings.Endpoints.Any(e => e.Auth != AuthMode.Off) ? StartAuthenticator(system, settings.Auth, name) : null;
        var policies = PolicyChain.Start(system, settings.Policies, name, new RecipientRoutes(settings.Routes, settings.Sink).SinkFor);
        var faults = StartFaults(system, settings);
        var checks = StartChecks(system, settings);
        var connections = ConnectionSettings.ForEndpoints(settings, sinks.Entry, tls, authenticator, policies, faults, checks);
        // On the calling-thread dispatcher like the connections: an accept (and a connection's end) is handled
        // on the thread that completed it, with no thread-pool wake-up per connection (load-tests/BENCHMARKS.md).
        var shared = cluster?.Counters;
        var listenerProps = Props.Create(() => new SmtpListenerActor(settings, connections, shared))
            .WithDispatcher(Dispatch.CallingThreadDispatcher.ConfigPath);
        var listener = system.ActorOf(listenerProps, $"{name}-listener");
        var bound = await listener.Ask<ListenerProtocol.Bound>(ListenerProtocol.Bind.Instance, TimeSpan.FromSeconds(30))
            .ConfigureAwait(false);
        RegisterShutdown(system, listener, settings.Protection.ShutdownGrace, name);
        cluster?.Start(settings, sinks, listener);
        return RunningServer.Started(system, new ActorSmtpServer(listener, sinks, bound.EndPoints, cluster, faults), settings);
    }

    /// <summary>
    /// Graceful shutdown (SIGTERM through the generic host, or any CoordinatedShutdown.Run): service-unbind
    /// stops accepting; service-requests-done drains the sessions within the grace. Sinks stop only after
    /// that, with the actor system, so every message that got 250 was stored before.
    /// </summary>
    private static void RegisterShutdown(ActorSystem system, IActorRef listener, TimeSpan grace, string name)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        var config = system.Settings.Config;
        var phaseKey = $"akka.coordinated-shutdown.phases.{CoordinatedShutdown.PhaseServiceRequestsDone}.timeout";
        var phase = config.HasPath(phaseKey) ? config.GetTimeSpan(phaseKey, null, allowInfinite: false)
            : config.GetTimeSpan("akka.coordinated-shutdown.default-phase-timeout", TimeSpan.FromSeconds(5), allowInfinite: false);
        if (phase < grace)
            system.Log.Warning("actorsmtp.shutdown-grace ({0}) is longer than akka.coordinated-shutdown.phases.{1}.timeout ({2}): " +
                               "shutdown will not wait for the whole grace", grace, CoordinatedShutdown.PhaseServiceRequestsDone, phase);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, $"{name}-unbind", async () =>
        {
            await AskQuietly(listener, ListenerProtocol.Unbind.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, $"{name}-drain", async () =>
        {
            await AskQuietly(listener, new ListenerProtocol.Drain(grace), grace + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
    }

    private static async Task AskQuietly(IActorRef listener, object message, TimeSpan timeout)
    {
        try
        {
            await listener.Ask<object>(message, timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            // A listener that is gone already (or stuck) must not hold up the rest of the shutdown.
        }
    }

    /// <summary>The configured custom authenticator, or the built-in one over <c>actorsmtp.auth.users</c>.</summary>
    private static IActorRef StartAuthenticator(ActorSystem system, AuthSettings auth, string name)
    {
        var props = auth.Authenticator is { } type
            ? Props.Create(type, auth.Config)
            : Props.Create(() => new ConfiguredUsersAuthenticator(new UserDirectory(auth.Users)));
        return system.ActorOf(props, $"{name}-authenticator");
    }

    /// <summary>Faults on: a warning names every rule, so an armed server is never mistaken for a normal one.</summary>
    private static Faults.FaultBook? StartFaults(ActorSystem system, ActorSmtpSettings settings)
    {
        if (!settings.Faults.Enabled)
            return null;
        system.Log.Warning("FAULTS ON: actorsmtp.faults.enabled = on: {0} rule(s){1}; senders will see failures on purpose",
            settings.Faults.Rules.Count, settings.Faults.TagPrefix.Length > 0 ? $", recipient tags {settings.Faults.TagPrefix}*" : "");
        foreach (var rule in settings.Faults.Rules)
            system.Log.Warning("fault rule {0}", FaultConfiguration.Describe(rule));
        return new Faults.FaultBook(settings.Faults, settings.Endpoints.All(e => e.IsLoopback));
    }

    /// <summary>Sender authentication (SPF, DKIM, DMARC, ARC, blocklists): made only when a check is on, with the one resolver.</summary>
    private static SenderAuthentication.SenderChecks? StartChecks(ActorSystem system, ActorSmtpSettings settings)
    {
        var authentication = settings.Authentication;
        if (!authentication.Any)
            return null;
        var on = new[] { ("spf", authentication.Spf), ("dkim", authentication.Dkim), ("dmarc", authentication.Dmarc), ("arc", authentication.Arc),
            ("dnsbl", authentication.Dnsbl.Count > 0) }.Where(c => c.Item2).Select(c => c.Item1);
        system.Log.Info("sender authentication on: {0}; DNS {1}", string.Join(", ", on),
            authentication.Dns.Servers.Count == 0 ? "the system's resolvers" : string.Join(", ", authentication.Dns.Servers));
        var resolver = ActorSmtp.Dns.SharedResolvers.For(authentication.Dns); // the relay's MX lookups ask it too
        return new SenderAuthentication.SenderChecks(authentication, resolver, settings.Hostname, settings.Protection.TrustedNetworks);
    }

    private static void WarnIfOpen(ActorSystem system, ActorSmtpSettings settings)
    {
        if (settings.IsOpenRelay)
            system.Log.Warning("OPEN RELAY: actorsmtp.allow-open-relay = on with a relay sink and no accepted-domains: " +
                               "anyone who reaches this server can relay mail through it to any domain");
        if (settings.AcceptedDomains.Count > 0 || settings.Endpoints.All(e => e.IsLoopback))
            return;
        system.Log.Warning(
            "actorsmtp.accepted-domains is empty and a listener is not on loopback: every recipient of any domain is accepted (capture mode)");
    }
}
