using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using System.Text;
using Akka.Actor;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Sinks;

namespace ActorSmtp.Server.Telemetry;

/// <summary>What <c>/healthz</c> answers: healthy, or the list of what is not.</summary>
public sealed record HealthReport(IReadOnlyList<string> Problems)
{
    public bool IsHealthy => Problems.Count == 0;

    /// <summary>"healthy", or one problem per line.</summary>
    public override string ToString() => IsHealthy ? "healthy" : new StringBuilder().AppendJoin('\n', Problems).ToString();
}

/// <summary>
/// Asks the running server: is every configured endpoint bound (the listener answers <see cref="ListenerProtocol.GetStatus"/>),
/// and is every sink up with its circuit closed (<see cref="SinkSupervisorProtocol.GetHealth"/>)?
/// </summary>
public static class SmtpHealth
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public static async Task<HealthReport> CheckAsync(ActorSystem system)
    {
        if (SmtpTelemetry.Get(system).Server is not { } running)
            return new HealthReport(["server not started"]);
        var (server, settings) = running;
        var problems = new List<string>();
        if (server.Cluster is not { SpeaksSmtp: false }) // a storage-only cluster node has no listener
            await CheckListenerAsync(server, settings, problems).ConfigureAwait(false);
        var checks = server.Sinks.Sinks
            .Where(sink => settings.Sinks.TryGetValue(sink.Key, out var s) && !s.IsFanOut)
            .Select(sink => SinkProblemAsync(sink.Key, sink.Value))
            .ToArray();
        foreach (var problem in await Task.WhenAll(checks).ConfigureAwait(false))
            if (problem is not null)
                problems.Add(problem);
        return new HealthReport(problems);
    }

    private static async Task CheckListenerAsync(ActorSmtpServer server, ActorSmtpSettings settings, List<string> problems)
    {
        try
        {
            var status = await server.Listener.Ask<ListenerProtocol.Status>(ListenerProtocol.GetStatus.Instance, AskTimeout).ConfigureAwait(false);
            if (status.EndPoints.Count < settings.Endpoints.Count)
                problems.Add($"listener: {status.EndPoints.Count} of {settings.Endpoints.Count} endpoints bound");
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            problems.Add("listener: not running");
        }
    }

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
