using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Dispatch;

namespace ActorSmtp.Server.Sinks;

/// <summary>The running sinks: one supervisor per named sink, fan-outs and the router in front of them.</summary>
public sealed class SinkTopology
{
    private SinkTopology(IActorRef entry, IReadOnlyDictionary<string, IActorRef> sinks)
    {
        Entry = entry;
        Sinks = sinks;
    }

    /// <summary>Where connections send messages: the router when routes are configured, else the default sink.</summary>
    public IActorRef Entry { get; }

    /// <summary>Each named sink's supervisor (or fan-out); supervisors answer <see cref="SinkSupervisorProtocol.GetHealth"/>.</summary>
    public IReadOnlyDictionary<string, IActorRef> Sinks { get; }

    /// <summary>Starts every sink <paramref name="settings"/> reaches, each after the sinks it hands messages to.</summary>
    public static SinkTopology Start(IActorRefFactory system, ActorSmtpSettings settings)
    {
        var refs = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var name in settings.Sinks.Keys)
            Start(system, settings, name, refs);
        var entry = settings.Routes.Count == 0
            ? refs[settings.Sink]
            : system.ActorOf(Calling(SinkRouter.ForRoutes(new RecipientRoutes(settings.Routes, settings.Sink), refs,
                settings.SinkResponseDeadline)), "sink-routes");
        return new SinkTopology(entry, refs);
    }

    /// <summary>No local sinks: every message goes to <paramref name="entry"/> (a cluster node without the storage role).</summary>
    internal static SinkTopology Remote(IActorRef entry) => new(entry, new Dictionary<string, IActorRef>(StringComparer.Ordinal));

    /// <summary>
    /// Waits until every sink has been created once. A sink whose constructor rejected its HOCON block
    /// (<see cref="Akka.Configuration.ConfigurationException"/>) is a configuration error: a
    /// <see cref="SettingsException"/> naming the sink, so start-up fails (exit 2) instead of answering 451 forever.
    /// Other failures are left to the supervisor's restarts (a service the sink needs may come up later).
    /// </summary>
    public async Task EnsureStartedAsync(ActorSmtpSettings settings, TimeSpan timeout)
    {
        var supervisors = Sinks.Where(s => settings.Sinks.TryGetValue(s.Key, out var sink) && !sink.IsFanOut).ToArray();
        var outcomes = await Task.WhenAll(supervisors.Select(s =>
            s.Value.Ask<SinkSupervisorProtocol.FirstStart>(SinkSupervisorProtocol.AwaitFirstStart.Instance, timeout))).ConfigureAwait(false);
        for (var i = 0; i < supervisors.Length; i++)
            if (ConfigurationError(outcomes[i].Failure) is { } invalid)
                throw new SettingsException($"{ActorSmtpSettings.Root}.sinks.{supervisors[i].Key}", invalid.Message, invalid);
    }

    // Akka wraps what a constructor throws (ActorInitializationException, TypeLoadException, TargetInvocationException).
    private static Akka.Configuration.ConfigurationException? ConfigurationError(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is Akka.Configuration.ConfigurationException invalid)
                return invalid;
        return null;
    }

    private static IActorRef Start(IActorRefFactory system, ActorSmtpSettings settings, string name, Dictionary<string, IActorRef> refs)
    {
        if (refs.TryGetValue(name, out var started))
            return started;
        var sink = settings.Sinks[name];
        foreach (var member in sink.Members)
            Start(system, settings, member, refs);
        var fallback = sink.Fallback is { } f ? Start(system, settings, f, refs) : null;
        var props = sink.IsFanOut
            ? SinkRouter.ForFanOut(sink.Members, refs, settings.SinkResponseDeadline)
            : Props.Create(() => new SinkSupervisor(sink, settings.SinkRestart, fallback));
        return refs[name] = system.ActorOf(Calling(props), $"sink-{Uri.EscapeDataString(name)}");
    }

    // Supervisors and routers only forward and keep tables: on the sender's thread they cost no hop.
    private static Props Calling(Props props) => props.WithDispatcher(CallingThreadDispatcher.ConfigPath);
}
