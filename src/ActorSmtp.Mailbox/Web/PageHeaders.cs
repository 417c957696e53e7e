using Microsoft.AspNetCore.Http;

namespace ActorSmtp.Mailbox.Web;

/// <summary>
/// The security headers of the page and of a message's HTML part. The page runs only its own script and talks
/// only to its own origin; a message's HTML runs nothing and loads nothing from outside unless asked to.
/// </summary>
internal static class PageHeaders
{
    /// <summary>The page: its own files only; frames only our /html route; never framed itself (clickjacking).</summary>
    internal const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// A message's HTML: no script at all, no forms, no plugins, images only as data: (its cid: parts are
    /// rewritten to data: URIs) and inline styles (mail HTML is styled inline). The <c>sandbox</c> directive
    /// (CSP 3 §6.3.2) sandboxes it even when opened outside the page's sandboxed iframe.
    /// </summary>
    internal static string HtmlPolicy(bool remoteImages) =>
        "default-src 'none'; img-src data:" + (remoteImages ? " http: https:" : "") + "; style-src 'unsafe-inline'; " +
        "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox";

    public static void Apply(HttpResponse response) => Apply(response, PagePolicy);

    public static void Apply(HttpResponse response, string policy)
    {
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers.XContentTypeOptions = "nosniff";
        // A remote image must not learn which message (its URL) or which mailbox showed it.
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
