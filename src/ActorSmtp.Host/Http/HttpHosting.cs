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
/// <c>actorsmtp.cluster.view</c> is, the mailbox's routes on the metrics host when they share its address and port
/// (on its own address the mailbox starts its own host). None: nothing of ASP.NET Core is started.
/// </summary>
internal static class HttpHosting
{
    /// <summary>False (after saying why) when <c>actorsmtp.metrics</c>, <c>trace</c> or <c>log-sessions</c> is invalid.</summary>
    /// <param name="mailbox">The mailbox when it is on: served by the metrics host when both name the same address and port.</param>
    public static bool TryAdd(IServiceCollection services, Config config, ActorSmtpSettings settings, IHttpPart? mailbox)
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
        var shared = mailbox is not null && telemetry.Metrics.Enabled
            && mailbox.Address == telemetry.Metrics.Address && mailbox.Port == telemetry.Metrics.Port ? mailbox : null;
        if (telemetry.Metrics.Enabled || node.View)
            services.AddSingleton<IHostedService>(sp => new Service(telemetry.Metrics, settings, node, shared, sp));
        return true;
    }

    /// <summary>
    /// Starts before the actor system (registered first), so counts are kept from the first connection on;
    /// /healthz answers "server not started" until the server has started.
    /// </summary>
    private sealed class Service(MetricsSettings metrics, ActorSmtpSettings settings, NodeShape node, IHttpPart? shared, IServiceProvider services)
        : IHostedService
    {
        private readonly List<HttpHost> _hosts = [];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var logging = services.GetRequiredService<ILoggerFactory>();
            if (metrics.Enabled)
            {
                var host = await HttpEndpoints.StartMetricsAsync(metrics, settings, node, System, logging, shared).ConfigureAwait(false);
                _hosts.Add(host);
                shared?.SharedAt(host.Url);
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
