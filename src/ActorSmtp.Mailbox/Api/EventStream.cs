using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// <c>GET /api/v1/events</c> as server-sent events (text/event-stream): <c>stored</c> (data: the message's summary),
/// <c>deleted</c> (data: <c>{"id": ...}</c>) and <c>cleared</c>. Unlike <c>TypedResults.ServerSentEvents</c> it sends the
/// response head at once: a client (EventSource's <c>open</c>) knows it is subscribed before the first message arrives.
/// </summary>
internal sealed class EventStream(IAsyncEnumerable<MailboxEvent> events) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.ContentEncoding = "identity"; // a compressing proxy or middleware would hold events back
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        var json = context.RequestServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
            ?? JsonSerializerOptions.Web;
        await SseFormatter.WriteAsync(Items(), response.Body,
            (item, buffer) => JsonSerializer.Serialize(new Utf8JsonWriter(buffer), item.Data, item.Data.GetType(), json),
            context.RequestAborted).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<SseItem<object>> Items()
    {
        await foreach (var change in events.ConfigureAwait(false))
            yield return change switch
            {
                MailboxEvent.Stored stored => new SseItem<object>(stored.Message, "stored"),
                MailboxEvent.Deleted deleted => new SseItem<object>(new { id = deleted.Id }, "deleted"),
                _ => new SseItem<object>(new { }, "cleared"),
            };
    }
}
