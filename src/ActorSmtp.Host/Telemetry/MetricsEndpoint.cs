using System.Net;
using System.Text;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorSmtp.Host.Telemetry;

/// <summary>
/// <c>/metrics</c> (OpenTelemetry's Prometheus exporter over the "ActorSmtp" meter) and <c>/healthz</c> on one
/// address and port. Both are HttpListeners of this process: the managed HttpListener shares one socket per
/// address and port between listeners and routes each request to the longest matching prefix, so our
/// <c>/healthz/</c> prefix sits beside the exporter's root prefix. On a cluster node <c>/cluster</c> (the
/// cluster view) is served there too.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private readonly MeterProvider _meters;
    private readonly HttpListener _health;
    private readonly Func<Task<HealthReport>> _check;
    private readonly Func<Task<byte[]>>? _clusterView;

    private MetricsEndpoint(MeterProvider meters, HttpListener health, Func<Task<HealthReport>> check, Func<Task<byte[]>>? clusterView)
    {
        _meters = meters;
        _health = health;
        _check = check;
        _clusterView = clusterView;
    }

    /// <summary>Starts both endpoints; a port that cannot be bound is a <see cref="SettingsException"/> on <c>actorsmtp.metrics.port</c>.</summary>
    /// <param name="clusterView">The cluster view's JSON, on a cluster node; served at <c>/cluster</c>.</param>
    public static MetricsEndpoint Start(MetricsSettings settings, Func<Task<HealthReport>> check, Func<Task<byte[]>>? clusterView = null)
    {
        var host = HostName(settings.Address);
        MeterProvider? meters = null;
        var health = new HttpListener();
        try
        {
            meters = Sdk.CreateMeterProviderBuilder()
                // target_info's service_name; without it the SDK reports "unknown_service:<process name>".
                .ConfigureResource(resource => resource.AddService("actorsmtp",
                    serviceVersion: typeof(MetricsEndpoint).Assembly.GetName().Version?.ToString()))
                .AddMeter(SmtpMetrics.MeterName)
                .AddPrometheusHttpListener(o =>
                {
                    o.Host = host;
                    o.Port = settings.Port;
                    o.ScrapeResponseCacheDurationMilliseconds = 0; // a scrape right after a message sees it
                })
                .Build();
            health.Prefixes.Add($"http://{host}:{settings.Port}/healthz/");
            if (clusterView is not null)
                health.Prefixes.Add($"http://{host}:{settings.Port}/cluster/");
            health.Start();
        }
        catch (Exception ex) when (ex is HttpListenerException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            meters?.Dispose();
            health.Close();
            throw new SettingsException("actorsmtp.metrics.port", $"cannot listen on {settings.Address}:{settings.Port}: {ex.Message}", ex);
        }
        var endpoint = new MetricsEndpoint(meters, health, check, clusterView);
        _ = HttpEndpoint.ServeAsync(health, endpoint.AnswerAsync);
        return endpoint;
    }

    public void Dispose()
    {
        _health.Close();
        _meters.Dispose();
    }

    // The managed HttpListener matches a prefix's host against the request's Host header; "*" matches any.
    private static string HostName(string address) => address switch
    {
        "0.0.0.0" or "::" or "*" or "+" => "*",
        _ when IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{ip}]",
        _ => address,
    };

    private async Task AnswerAsync(HttpListenerContext context)
    {
        if (_clusterView is not null && context.Request.Url?.AbsolutePath.StartsWith("/cluster", StringComparison.Ordinal) == true)
        {
            await AnswerClusterAsync(context).ConfigureAwait(false);
            return;
        }
        HealthReport report;
        try
        {
            report = await _check().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            report = new HealthReport([$"health check failed: {ex.Message}"]);
        }
        await HttpEndpoint.RespondAsync(context, report.IsHealthy ? 200 : 503, "text/plain; charset=utf-8",
            Encoding.UTF8.GetBytes(report + "\n")).ConfigureAwait(false);
    }

    private async Task AnswerClusterAsync(HttpListenerContext context)
    {
        try
        {
            await HttpEndpoint.RespondAsync(context, 200, "application/json", await _clusterView!().ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (HttpListenerException or IOException or ObjectDisposedException))
        {
            // Not started yet, or the cluster extension is gone.
            await HttpEndpoint.RespondAsync(context, 503, "text/plain; charset=utf-8",
                Encoding.UTF8.GetBytes($"cluster view failed: {ex.Message}\n")).ConfigureAwait(false);
        }
    }
}
