using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host.Telemetry;

/// <summary>Adds the metrics and health endpoint to the host when <c>actorsmtp.metrics.enabled = on</c>.</summary>
internal static class TelemetryHosting
{
    /// <summary>False (after saying why) when <c>actorsmtp.metrics</c>, <c>trace</c> or <c>log-sessions</c> is invalid.</summary>
    public static bool TryAdd(IServiceCollection services, Config config)
    {
        TelemetrySettings settings;
        try
        {
            settings = TelemetrySettings.FromConfig(config);
        }
        catch (SettingsException ex)
        {
            Console.Error.WriteLine($"actorsmtp: {ex.Message}");
            return false;
        }
        var cluster = config.HasPath("actorsmtp.cluster.enabled") && config.GetBoolean("actorsmtp.cluster.enabled");
        if (settings.Metrics.Enabled)
            services.AddSingleton<IHostedService>(sp => new Service(settings.Metrics, cluster, sp));
        return true;
    }

    /// <summary>
    /// Starts before the actor system (registered first), so counts are kept from the first connection on;
    /// /healthz answers "server not started" until the listener is bound.
    /// </summary>
    private sealed class Service(MetricsSettings settings, bool cluster, IServiceProvider services) : IHostedService
    {
        private MetricsEndpoint? _endpoint;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _endpoint = MetricsEndpoint.Start(settings, CheckAsync, cluster ? ClusterViewAsync : null);
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetricsEndpoint).FullName!).LogInformation(
                "metrics listening on http://{Address}:{Port} (/metrics, /healthz{Cluster})",
                settings.Address, settings.Port, cluster ? ", /cluster" : "");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _endpoint?.Dispose();
            return Task.CompletedTask;
        }

        private Task<byte[]> ClusterViewAsync() =>
            ActorSmtp.Cluster.ClusterViewServer.JsonAsync(services.GetRequiredService<ActorSystem>());

        private Task<HealthReport> CheckAsync()
        {
            ActorSystem system;
            try
            {
                system = services.GetRequiredService<ActorSystem>();
            }
            catch (Exception)
            {
                return Task.FromResult(new HealthReport(["server not started"]));
            }
            return SmtpHealth.CheckAsync(system);
        }
    }
}
