using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>
/// A second origin (127.0.0.1:PORT) that records every request: hostile mail HTML calls it when its script runs
/// or when it loads a remote image, so the test sees in the browser what ran and what loaded. <c>/control</c>
/// serves that HTML with no CSP and no sandbox, to show the beacon would see it run.
/// </summary>
public sealed class Beacon : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _hits;

    private Beacon(WebApplication app, ConcurrentQueue<string> hits, Uri url)
    {
        _app = app;
        _hits = hits;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>
    /// An HTML part whose script and onerror handler would call the beacon at <c>/TAG/script</c> and <c>/TAG/onerror</c>,
    /// and which shows one remote image, <c>/TAG/remote.png</c>.
    /// </summary>
    public string HostileHtml(string tag) =>
        $"<html><head><title>hostile</title><script>new Image().src = '{Url}{tag}/script'; parent.document.title = 'pwned';</script></head>" +
        $"<body><h1>Hostile</h1><img src=\"data:,\" onerror=\"new Image().src = '{Url}{tag}/onerror'\">" +
        $"<img alt=\"remote\" src=\"{Url}{tag}/remote.png\"></body></html>";

    /// <summary>The paths requested under <c>/TAG/</c>.</summary>
    public string[] HitsOf(string tag) => _hits.Where(p => p.StartsWith($"/{tag}/", StringComparison.Ordinal)).ToArray();

    public static async Task<Beacon> StartAsync()
    {
        var hits = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        Beacon? beacon = null;
        app.MapGet("/control", () => Results.Content(beacon!.HostileHtml("control"), "text/html"));
        app.MapGet("/{**path}", (HttpRequest request) =>
        {
            hits.Enqueue(request.Path);
            return Results.Bytes(OnePixelPng, "image/png");
        });
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        beacon = new Beacon(app, hits, new Uri(bound.TrimEnd('/') + "/"));
        return beacon;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    internal static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
}
