using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSmtp.Host.Http;

/// <summary>
/// The checks behind /healthz, one per part (the server, the listener, each sink, the cluster when on), each a
/// probe of <see cref="SmtpHealth"/>. A part reports nothing before the server started: the server check says so.
/// </summary>
internal static class SmtpHealthChecks
{
    /// <param name="system">The actor system, or null before it exists.</param>
    public static IHealthChecksBuilder AddSmtpChecks(this IHealthChecksBuilder checks, ActorSmtpSettings settings, NodeShape node, Func<ActorSystem?> system)
    {
        checks.Add("server", () => Task.FromResult(SmtpHealth.ServerProblem(system())));
        if (node.SpeaksSmtp)
            checks.Add("listener", () => system() is { } s ? SmtpHealth.ListenerProblemAsync(s) : NoProblem);
        foreach (var sink in SmtpHealth.CheckedSinks(settings, node.OwnsStorage))
            checks.Add($"sink {sink}", () => system() is { } s ? SmtpHealth.SinkProblemAsync(s, sink) : NoProblem);
        if (node.Cluster)
            checks.Add("cluster", () => Task.FromResult(system() is { } s ? SmtpHealth.ClusterProblem(s) : null));
        return checks;
    }

    private static readonly Task<string?> NoProblem = Task.FromResult<string?>(null);

    private static void Add(this IHealthChecksBuilder checks, string name, Func<Task<string?>> problem) =>
        checks.Add(new HealthCheckRegistration(name, new Probe(problem), HealthStatus.Unhealthy, tags: null));

    private sealed class Probe(Func<Task<string?>> problem) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await problem().ConfigureAwait(false) is { } line ? HealthCheckResult.Unhealthy(line) : HealthCheckResult.Healthy();
    }
}
