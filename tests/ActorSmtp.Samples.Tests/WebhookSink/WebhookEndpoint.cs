using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ActorSmtp.Samples.Tests.WebhookSink;

/// <summary>
/// A real HTTP endpoint on 127.0.0.1 and an ephemeral port (Kestrel), as a webhook receiver would be: it
/// reads the multipart request to its end and keeps it only then, so a truncated request is never a delivery.
/// </summary>
public sealed class WebhookEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookEndpoint(WebApplication app) => _app = app;

    /// <summary>Deliveries read to their end, by X-ActorSmtp-Id.</summary>
    public ConcurrentDictionary<string, Delivery> Received { get; } = new();

    /// <summary>Requests that failed while being read (truncated, aborted).</summary>
    public int Broken => _broken;

    /// <summary>The status to answer with; the delivery is kept whatever it is.</summary>
    public int StatusCode { get; set; } = StatusCodes.Status201Created;

    /// <summary>How long to wait after reading the request before answering.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Answered as the Location header when set.</summary>
    public string? Location { get; set; }

    public Uri Url { get; private set; } = null!;

    private int _broken;

    public static async Task<WebhookEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var endpoint = new WebhookEndpoint(app);
        app.Run(endpoint.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Url = new Uri(new Uri(address), "/hooks/mail");
        return endpoint;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Delivery delivery;
        try
        {
            delivery = await ReadAsync(context.Request);
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException or InvalidDataException or OperationCanceledException)
        {
            Interlocked.Increment(ref _broken);
            return;
        }
        Received[delivery.Id] = delivery;
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, context.RequestAborted);
        if (Location is { } location)
            context.Response.Headers.Location = location;
        context.Response.StatusCode = StatusCode;
    }

    private static async Task<Delivery> ReadAsync(HttpRequest request)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, request.Body);
        var parts = new List<Part>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var content = new MemoryStream();
            await section.Body.CopyToAsync(content);
            parts.Add(new Part(section.ContentDisposition ?? "", section.ContentType ?? "", content.ToArray()));
        }
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new Delivery(headers["X-ActorSmtp-Id"], request.ContentType!, headers, parts);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Part(string ContentDisposition, string ContentType, byte[] Content);

    public sealed record Delivery(string Id, string ContentType, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<Part> Parts)
    {
        public Part Envelope => Parts.Single(p => p.ContentDisposition.Contains("name=envelope"));

        public Part Message => Parts.Single(p => p.ContentDisposition.Contains("name=message"));

        public JsonElement EnvelopeJson => JsonDocument.Parse(Envelope.Content).RootElement;
    }
}
