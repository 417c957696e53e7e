using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace ActorSmtp.Mailbox.Web;

/// <summary>
/// The page's files (wwwroot/, embedded in this assembly): read once, served from memory with an ETag so a
/// browser revalidates (no-cache) and gets a 304, and a new version shows at the next load.
/// </summary>
internal static class WebAssets
{
    private const string ResourcePrefix = "ActorSmtp.Mailbox.Web.";

    /// <summary>Route, file in wwwroot/, content type. Every file there has a row (a test says so).</summary>
    internal static readonly (string Route, string File, string ContentType)[] Table =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/mailbox.js", "mailbox.js", "text/javascript; charset=utf-8"),
        ("/mailbox.css", "mailbox.css", "text/css; charset=utf-8"),
    ];

    /// <summary>The names of the embedded files, without the resource prefix.</summary>
    internal static IEnumerable<string> EmbeddedFiles =>
        typeof(WebAssets).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..]);

    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var (route, file, contentType) in Table)
        {
            var content = Read(file);
            var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
            routes.MapGet(route, (HttpContext http) =>
            {
                PageHeaders.Apply(http.Response);
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType, entityTag: etag);
            }).ExcludeFromDescription();
        }
    }

    internal static byte[] Read(string file)
    {
        using var stream = typeof(WebAssets).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"the mailbox page's {file} is not embedded in {typeof(WebAssets).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
