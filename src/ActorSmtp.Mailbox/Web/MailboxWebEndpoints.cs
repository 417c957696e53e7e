using ActorSmtp.Mailbox.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ActorSmtp.Mailbox.Web;

/// <summary>The mailbox's web inbox: the page at <c>/</c> and the HTML part of a message for its sandboxed iframe.</summary>
public static class MailboxWebEndpoints
{
    /// <summary>
    /// Maps <c>/</c> (the page and its files) and <c>GET /api/v1/messages/{id}/html</c> (<c>?remote-images=1</c>
    /// lets the HTML load remote images). The <see cref="Mailbox"/> comes from the services; <see cref="MailboxApi.MapMailboxApi"/>
    /// calls this inside its group, so the page has the API's auth and JSON errors.
    /// </summary>
    public static IEndpointRouteBuilder MapMailboxWeb(this IEndpointRouteBuilder routes)
    {
        WebAssets.Map(routes);
        routes.MapGet("/api/v1/messages/{id}/html", HtmlAsync)
            .WithSummary("The message's HTML part, for a sandboxed iframe: no scripts, images only from the message unless remote-images=1.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .Produces(StatusCodes.Status404NotFound);
        return routes;
    }

    /// <param name="remoteImages"><c>remote-images=1</c>: the HTML may load images from http(s) URLs.</param>
    private static async Task<IResult> HtmlAsync(HttpRequest request, Mailbox mailbox, string id,
        [FromQuery(Name = "remote-images")] string? remoteImages, CancellationToken ct)
    {
        var allowRemote = QueryParameters.Of(request, RemoteImages).String("remote-images") switch
        {
            null or "0" => false,
            "1" => true,
            var other => throw new BadParameterException("remote-images", $"`remote-images` must be 1 or 0, not '{other}'"),
        };
        if (mailbox.EmlPath(id) is not { } eml)
            return NotFound($"no message with id {id}");
        string? html;
        try
        {
            html = await HtmlPart.RenderAsync(eml, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return NotFound($"no message with id {id}"); // deleted between the lookup and the read
        }
        if (html is null)
            return NotFound($"message {id} has no HTML part");
        PageHeaders.Apply(request.HttpContext.Response, PageHeaders.HtmlPolicy(allowRemote));
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Text(html, "text/html; charset=utf-8");
    }

    private static readonly string[] RemoteImages = ["remote-images"];

    private static IResult NotFound(string error) => TypedResults.NotFound(new ApiError(error, "id"));
}
