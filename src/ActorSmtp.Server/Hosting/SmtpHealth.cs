using ActorSmtp.Server.Configuration;
using Akka.Actor;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Sinks;

namespace ActorSmtp.Server.Hosting;

/// <summary>
/// The probes behind <c>/healthz</c>, one per part of the running server: is every configured endpoint bound (the
/// listener answers <see cref="ListenerProtocol.GetStatus"/>), is each sink up with its circuit closed
/// (<see cref="SinkSupervisorProtocol.GetHealth"/>), is this cluster node in the cluster and able to store?
/// Each answers null when its part is fine or not there (yet), else the problem as the line /healthz shows.
/// </summary>
public static class SmtpHealth
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public const string NotStarted = "server not started";

    /// <summary>The sinks a node with <paramref name="settings"/> runs and checks: each named sink but the fan-outs, where it owns storage.</summary>
    public static IEnumerable<string> CheckedSinks(ActorSmtpSettings settings, bool ownsStorage) =>
        ownsStorage ? settings.Sinks.Where(s => !s.Value.IsFanOut).Select(s => s.Key) : [];

    public static string? ServerProblem(ActorSystem? system) =>
        system is not null && RunningServer.Of(system) is not null ? null : NotStarted;

    public static async Task<string?> ListenerProblemAsync(ActorSystem system)
    {
        if (RunningServer.Of(system) is not (var server, var settings) || server.Cluster is { SpeaksSmtp: false })
            return null; // a storage-only cluster node has no listener
        try
        {
            var status = await server.Listener.Ask<ListenerProtocol.Status>(ListenerProtocol.GetStatus.Instance, AskTimeout).ConfigureAwait(false);
            return status.EndPoints.Count < settings.Endpoints.Count
                ? $"listener: {status.EndPoints.Count} of {settings.Endpoints.Count} endpoints bound"
                : null;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return "listener: not running";
        }
    }

    public static Task<string?> SinkProblemAsync(ActorSystem system, string name) =>
        RunningServer.Of(system) is (var server, _) && server.Sinks.Sinks.TryGetValue(name, out var supervisor)
            ? SinkProblemAsync(name, supervisor)
            : Task.FromResult<string?>(null);

    public static string? ClusterProblem(ActorSystem system) =>
        RunningServer.Of(system) is (var server, _) ? server.Cluster?.Problem() : null;

    private static async Task<string?> SinkProblemAsync(string name, IActorRef supervisor)
    {
        try
        {
            var health = await supervisor.Ask<SinkSupervisorProtocol.Health>(SinkSupervisorProtocol.GetHealth.Instance, AskTimeout)
                .ConfigureAwait(false);
            return !health.Running ? $"sink {name}: down (restarting)"
                : health.CircuitOpen ? $"sink {name}: circuit open"
                : null;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return $"sink {name}: not answering";
        }
    }
}
