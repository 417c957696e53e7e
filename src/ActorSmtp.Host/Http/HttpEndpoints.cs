using Akka.Actor;
using ActorSmtp.Cluster;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorSmtp.Host.Http;

/// <summary>
/// What actorsmtp serves over HTTP, host by host: the place to add a route. The mailbox brings its own
/// (<see cref="IHttpPart"/>), on its own host or on <see cref="StartMetricsAsync"/>'s. Each host is a <see cref="HttpHost"/>
/// and starts only when enabled.
/// </summary>
internal static class HttpEndpoints
{
    /// <summary>
    /// <c>actorsmtp.metrics</c>: <c>/metrics</c> (OpenTelemetry's Prometheus exporter over the "ActorSmtp" meter),
    /// <c>/healthz</c> and, on a cluster node, <c>/cluster</c>.
    /// </summary>
    /// <param name="system">The actor system, or null before it exists.</param>
    /// <param name="shared">A part that names the same address and port (the mailbox): its routes are served here too.</param>
    public static Task<HttpHost> StartMetricsAsync(MetricsSettings metrics, ActorSmtpSettings settings, NodeShape node, Func<ActorSystem?> system,
        ILoggerFactory logging, IHttpPart? shared = null) =>
        HttpHost.StartAsync(metrics.Address, metrics.Port, "actorsmtp.metrics.port", logging,
            services =>
            {
                services.AddSingleton(_ => Meters()); // disposed with the host
                services.AddHealthChecks().AddSmtpChecks(settings, node, system);
                shared?.AddServices(services);
            },
            app =>
            {
                shared?.MapRoutes(app);
                // Resolved here, before the host starts: it counts from then on, not from the first scrape.
                app.MapPrometheusScrapingEndpoint("/metrics", app.Services.GetRequiredService<MeterProvider>(), null, null);
                app.MapHealthChecks("/healthz", HealthResponse.Options);
                if (node.Cluster)
                    app.MapClusterView("/cluster", system);
            });

    /// <summary><c>actorsmtp.cluster.view</c>: the cluster view on its own address and port, at <c>/</c> and <c>/cluster</c>.</summary>
    public static Task<HttpHost> StartClusterViewAsync(NodeShape node, Func<ActorSystem?> system, ILoggerFactory logging) =>
        HttpHost.StartAsync(node.ViewAddress.ToString(), node.ViewPort, "actorsmtp.cluster.view.port", logging,
            _ => { },
            app =>
            {
                app.MapClusterView("/", system);
                app.MapClusterView("/cluster", system);
            });

    private static MeterProvider Meters() => Sdk.CreateMeterProviderBuilder()
        // target_info's service_name; without it the SDK reports "unknown_service:<process name>".
        .ConfigureResource(resource => resource.AddService("actorsmtp",
            serviceVersion: typeof(HttpEndpoints).Assembly.GetName().Version?.ToString()))
        .AddMeter(SmtpMetrics.MeterName)
        .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0) // a scrape right after a message sees it
        .Build();

    // Never inlined: only a cluster node may load ActorSmtp.Cluster (ClusterHosting).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MapClusterView(this IEndpointRouteBuilder app, string pattern, Func<ActorSystem?> system) =>
        app.MapGet(pattern, async (ILoggerFactory logging) =>
        {
            try
            {
                var running = system() ?? throw new InvalidOperationException(SmtpHealth.NotStarted);
                return Results.Bytes(await ClusterViewServer.JsonAsync(running).ConfigureAwait(false), "application/json");
            }
            catch (Exception ex)
            {
                // Not started yet, or the cluster extension is gone.
                logging.CreateLogger(typeof(ClusterViewServer).FullName!).LogWarning(ex, "cluster view request failed");
                return Results.Text($"cluster view failed: {ex.Message}\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
}
