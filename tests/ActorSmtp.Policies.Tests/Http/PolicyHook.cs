using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Policies.Tests.Http;

/// <summary>
/// A real HTTP policy hook on Kestrel (127.0.0.1, an ephemeral port) that answers by the recipient's local part:
/// reject, defer, defer452, tag, error (500), slow (answers after 10 s unless the request is cancelled), badjson;
/// anyone else is accepted. It records every request's document, Authorization header and connection.
/// </summary>
internal sealed class PolicyHook : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PolicyHook(WebApplication app) => _app = app;

    public ConcurrentQueue<(JsonElement Body, string? Authorization)> Requests { get; } = new();

    /// <summary>The Kestrel connection ids requests came on: the policy's pool at work.</summary>
    public ConcurrentDictionary<string, int> Connections { get; } = new();

    /// <summary>Completes when a slow request was cancelled by the policy.</summary>
    public TaskCompletionSource SlowCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Url => $"{_app.Urls.Single()}/policy";

    public IEnumerable<JsonElement> RequestsFor(string recipient) =>
        Requests.Select(r => r.Body).Where(b => b.GetProperty("recipient").GetString() == recipient);

    public static async Task<PolicyHook> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var hook = new PolicyHook(app);
        app.MapPost("/policy", hook.AnswerAsync);
        await app.StartAsync();
        return hook;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Connections.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
        var body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
        Requests.Enqueue((body, context.Request.Headers.Authorization.FirstOrDefault()));
        var local = body.GetProperty("recipient").GetString()?.Split('@')[0];
        switch (local)
        {
            case "error":
                context.Response.StatusCode = 500;
                return;
            case "slow":
                await SlowAsync(context);
                return;
            case "badjson":
                await context.Response.WriteAsync("{\"action\": accept");
                return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(local switch
        {
            "reject" => """{"action":"reject","code":550,"enhanced":"5.1.1","text":"<reject@x.test>: no mailbox here"}""",
            "defer" => """{"action":"defer"}""",
            "defer452" => """{"action":"defer","code":452,"text":"mailbox over quota, later"}""",
            "tag" => """{"action":"accept","tags":{"tenant":"acme","plan":"gold"}}""",
            _ => """{"action":"accept"}""",
        });
    }

    private async Task SlowAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            await context.Response.WriteAsync("""{"action":"accept"}""");
        }
        catch (OperationCanceledException)
        {
            SlowCancelled.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
