using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSmtp.Host.Http;

/// <summary>What /healthz answers: 200 "healthy", or 503 with one line per problem (a load balancer reads the status, a person the lines).</summary>
internal static class HealthResponse
{
    public static HealthCheckOptions Options { get; } = new()
    {
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = WriteAsync,
    };

    /// <summary>"healthy", or each problem on its own line, in the order the checks were added.</summary>
    private static string Text(HealthReport report) =>
        report.Status == HealthStatus.Healthy
            ? "healthy\n"
            : new StringBuilder().AppendJoin('\n', report.Entries
                .Where(e => e.Value.Status != HealthStatus.Healthy)
                .Select(e => e.Value.Exception is { } ex ? $"{e.Key}: health check failed: {ex.Message}" : e.Value.Description)).Append('\n').ToString();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(Text(report));
    }
}
