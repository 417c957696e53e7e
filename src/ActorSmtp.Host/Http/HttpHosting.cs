using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host.Http;

/// <summary>
/// Adds the HTTP endpoints to the host: <c>actorsmtp.metrics</c> when enabled, the cluster view when
/// <c>actorsmtp.cluster.view</c> is. Neither: nothing of ASP.NET Core is started.
/// </summary>
internal static class HttpHosting
{
    /// <summary>False (after saying why) when <c>actorsmtp.metrics</c>, <c>trace</c> or <c>log-sessions</c> is invalid.</summary>
    public static bool TryAdd(IServiceCollection services, Config config, ActorSmtpSettings settings)
    {
        TelemetrySettings telemetry;
        try
        {
            telemetry = TelemetrySettings.FromConfig(config);
        }
        catch (SettingsException ex)
        {
            Console.Error.WriteLine($"actorsmtp: {ex.Message}");
            return false;
        }
        var node = settings.ClusterEnabled ? ClusterHosting.Shape(config) : NodeShape.Single;
        if (telemetry.Metrics.Enabled || node.View)
            services.AddSingleton<IHostedService>(sp => new Service(telemetry.Metrics, settings, node, sp));
        return true;
    }

    /// <summary>
    /// Starts before the actor system (registered first), so counts are kept from the first connection on;
    /// /healthz answers "server not started" until the server has started.
    /// </summary>
    private sealed class Service(MetricsSettings metrics, ActorSmtpSettings settings, NodeShape node, IServiceProvider services) : IHostedService
    {
        private readonly List<HttpHost> _hosts = [];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var logging = services.GetRequiredService<ILoggerFactory>();
            if (metrics.Enabled)
            {
                _hosts.Add(await HttpEndpoints.StartMetricsAsync(metrics, settings, node, System, logging).ConfigureAwait(false));
                logging.CreateLogger(typeof(HttpEndpoints).FullName!).LogInformation(
                    "metrics listening on http://{Address}:{Port} (/metrics, /healthz{Cluster})",
                    metrics.Address, metrics.Port, node.Cluster ? ", /cluster" : "");
            }
            if (node.View)
                _hosts.Add(await HttpEndpoints.StartClusterViewAsync(node, System, logging).ConfigureAwait(false));
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var host in _hosts)
                await host.DisposeAsync().ConfigureAwait(false);
        }

        private ActorSystem? System()
        {
            try
            {
                return services.GetRequiredService<ActorSystem>();
            }
            catch (Exception)
            {
                return null; // Akka.Hosting has not created it yet
            }
        }
    }
}
