using ActorSmtp.Mailbox.Configuration;
using ActorSmtp.Mailbox.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// Puts the mailbox on an ASP.NET Core application: the JSON API under <c>/api/v1</c>, its OpenAPI document at
/// <c>/api/v1/openapi.json</c>, the web page, basic auth when users are configured, and JSON errors. The application
/// may serve other routes too (<c>/metrics</c> on a shared host): those are not the mailbox's, and its auth does not
/// apply to them.
/// </summary>
public static class MailboxApi
{
    /// <summary>The services the routes need.</summary>
    /// <param name="mailbox">The open mailbox, or null while it is opening (requests then get 503).</param>
    /// <param name="release">Where releases go, when a release sink is configured.</param>
    /// <param name="faults">The running server's fault rules (null with faults off), for <c>/api/v1/faults</c>.</param>
    public static IServiceCollection AddMailboxApi(this IServiceCollection services, Func<Mailbox?> mailbox, Release.ReleaseTarget? release = null,
        Func<ActorSmtp.Server.Faults.FaultBook?>? faults = null)
    {
        services.AddSingleton(new FaultsEndpoint.Source(faults ?? (() => null)));
        if (release is not null)
            services.AddSingleton(release);
        // A factory, not an instance: on a host shared with /metrics the routes exist before the index is open.
        services.AddSingleton(_ => mailbox() ?? throw new MailboxOpeningException());
        services.AddOpenApi("v1", openApi => openApi.ShouldInclude = description =>
            description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true);
        return services;
    }

    /// <summary>The middleware and routes; call before the application starts.</summary>
    public static WebApplication MapMailboxApi(this WebApplication app, MailboxSettings settings)
    {
        var errors = new ApiErrors(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorSmtp.Mailbox.Api"));
        var auth = settings.Users.Count == 0 ? null : new BasicAuthentication(settings.Users);
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<MailboxRoute>() is null)
                await next(context).ConfigureAwait(false);
            else if (auth is null || await auth.AdmitAsync(context).ConfigureAwait(false))
                await errors.InvokeAsync(context, () => next(context)).ConfigureAwait(false);
        });
        var mailbox = app.MapGroup("").WithMetadata(MailboxRoute.Instance);
        MailboxEndpoints.Map(mailbox);
        mailbox.MapOpenApi("/api/v1/openapi.json");
        mailbox.MapMailboxWeb(); // the page at / and /api/v1/messages/{id}/html: inside the group, so behind the same auth
        return app;
    }

    /// <summary>Marks the endpoints that are the mailbox's: they get its auth and its JSON errors.</summary>
    private sealed class MailboxRoute
    {
        public static readonly MailboxRoute Instance = new();
    }
}
