using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// The routes of <c>/api/v1</c>. JSON is camelCase (ASP.NET Core's web defaults); every parameter is read by
/// <see cref="QueryParameters"/> so that a bad one is a 400 naming it, never a binding failure or a filter ignored.
/// </summary>
internal static class MailboxEndpoints
{
    public const int DefaultLimit = 50, MaxLimit = 1000;
    public static readonly TimeSpan DefaultAwait = TimeSpan.FromSeconds(30), MaxAwait = TimeSpan.FromMinutes(10);

    private static readonly string[] Paging = ["limit", "before"];
    private static readonly string[] Waiting = ["timeout"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/messages");
        api.MapGet("", ListAsync).WithSummary("Messages, newest first, filtered, paged by the cursor `before`.");
        api.MapDelete("", DeleteMatchingAsync).WithSummary("Deletes every message matching the filters (all without one).");
        api.MapGet("/await", AwaitAsync).WithSummary("Long-poll: the first message matching the filters, as soon as it is stored; 408 at the timeout.");
        api.MapGet("/{id}", ViewAsync).WithSummary("The envelope and the parsed message: headers, text, HTML, attachments.");
        api.MapGet("/{id}/raw", RawAsync).WithSummary("The stored bytes, exactly as received (message/rfc822).");
        api.MapGet("/{id}/attachments/{n}", AttachmentAsync).WithSummary("One attachment, decoded, with its content type.");
        api.MapPost("/{id}/release", ReleaseEndpoint.ReleaseAsync)
            .WithSummary("Relays the message to {\"to\": [...]} through the release sink (actorsmtp.mailbox.release-sink).");
        api.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes one message: both files and its index entry.");
        routes.MapGet("/api/v1/events", Events).WithSummary("Server-sent events: stored, deleted, cleared.");
        FaultsEndpoint.Map(routes);
    }

    /// <param name="to">A glob on the envelope recipients and the header To/Cc: <c>*@run-42.test</c>.</param>
    /// <param name="from">A glob on the envelope sender and the header From.</param>
    /// <param name="subject">A substring of the subject, case-insensitive.</param>
    /// <param name="since">Received at or after (ISO 8601).</param>
    /// <param name="until">Received before (ISO 8601).</param>
    /// <param name="q">Words searched in the subject, the addresses and the text.</param>
    /// <param name="limit">At most this many (1 to 1000, default 50).</param>
    /// <param name="before">The cursor of the previous page.</param>
    private static async Task<Ok<MessagePage>> ListAsync(HttpRequest request, Mailbox mailbox,
        string? to, string? from, string? subject, string? since, string? until, string? q, string? limit, string? before, CancellationToken ct)
    {
        var query = QueryParameters.Of(request, QueryParameters.Filters, Paging);
        var page = await mailbox.ListAsync(query.Query(), query.Int("limit", DefaultLimit, 1, MaxLimit), before, ct).ConfigureAwait(false);
        return TypedResults.Ok(page);
    }

    private static async Task<Ok<DeletedMessages>> DeleteMatchingAsync(HttpRequest request, Mailbox mailbox,
        string? to, string? from, string? subject, string? since, string? until, string? q, CancellationToken ct)
    {
        var query = QueryParameters.Of(request, QueryParameters.Filters).Query();
        return TypedResults.Ok(new DeletedMessages(await mailbox.DeleteAsync(query, ct).ConfigureAwait(false)));
    }

    /// <param name="since">Without it, a message already stored matches too; with it, only one stored at or after it.</param>
    /// <param name="timeout">How long to wait: <c>30s</c> (the default), <c>500ms</c>, <c>2m</c>; at most 10 minutes.</param>
    private static async Task<Results<Ok<MessageSummary>, StatusCodeHttpResult>> AwaitAsync(HttpRequest request, Mailbox mailbox,
        string? to, string? from, string? subject, string? since, string? until, string? q, string? timeout, CancellationToken ct)
    {
        var query = QueryParameters.Of(request, QueryParameters.Filters, Waiting);
        var filter = query.Query();
        // The await's own `since` says from when; the filter's would only repeat it.
        var found = await mailbox.AwaitAsync(filter with { Since = null }, filter.Since ?? DateTimeOffset.UnixEpoch,
            query.Duration("timeout", DefaultAwait, MaxAwait), ct).ConfigureAwait(false);
        // The contract: 408 with an empty body at the timeout.
        return found is null ? TypedResults.StatusCode(StatusCodes.Status408RequestTimeout) : TypedResults.Ok(found);
    }

    private static async Task<Results<Ok<MessageView>, NotFound<ApiError>>> ViewAsync(HttpRequest request, Mailbox mailbox, string id, CancellationToken ct)
    {
        QueryParameters.Of(request);
        if (await mailbox.FindAsync(id, ct).ConfigureAwait(false) is not { } summary || mailbox.EmlPath(id) is not { } eml)
            return Unknown(id);
        try
        {
            return TypedResults.Ok(await StoredMessage.ViewAsync(summary, eml, ct).ConfigureAwait(false) with { Releases = mailbox.Releases(id) });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Unknown(id); // deleted between the lookup and the read
        }
    }

    private static Results<FileStreamHttpResult, NotFound<ApiError>> RawAsync(HttpRequest request, Mailbox mailbox, string id)
    {
        QueryParameters.Of(request);
        if (mailbox.EmlPath(id) is not { } eml)
            return Unknown(id);
        try
        {
            // Opened here, so a message deleted since the lookup is a 404; once open, a delete cannot cut the answer short (Unix).
            return TypedResults.Stream(new FileStream(eml, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true),
                "message/rfc822", $"{id}.eml");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Unknown(id);
        }
    }

    /// <param name="n">The attachment's <c>index</c> in the message view, from 0.</param>
    private static async Task<IResult> AttachmentAsync(HttpRequest request, Mailbox mailbox, string id, string n, CancellationToken ct)
    {
        QueryParameters.Of(request);
        if (!int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            throw new BadParameterException("n", $"`n` must be an attachment's index (0, 1, ...), not '{n}'");
        if (mailbox.EmlPath(id) is not { } eml)
            return Unknown(id);
        MimeKit.MimeMessage message;
        MimeKit.MimeEntity? part;
        try
        {
            (message, part) = await StoredMessage.AttachmentAsync(eml, index, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Unknown(id);
        }
        if (part is null)
        {
            message.Dispose();
            return TypedResults.NotFound(new ApiError($"message {id} has no attachment {index}", "n"));
        }
        return TypedResults.Stream(async body =>
        {
            using (message)
                await StoredMessage.WriteDecodedAsync(part, body, ct).ConfigureAwait(false);
        }, part.ContentType.MimeType, StoredMessage.FileName(part));
    }

    private static async Task<Results<NoContent, NotFound<ApiError>>> DeleteAsync(HttpRequest request, Mailbox mailbox, string id, CancellationToken ct)
    {
        QueryParameters.Of(request);
        return await mailbox.DeleteAsync(id, ct).ConfigureAwait(false) ? TypedResults.NoContent() : Unknown(id);
    }

    private static EventStream Events(HttpRequest request, Mailbox mailbox, CancellationToken ct)
    {
        QueryParameters.Of(request);
        return new EventStream(mailbox.EventsAsync(ct));
    }

    private static NotFound<ApiError> Unknown(string id) => TypedResults.NotFound(new ApiError($"no message with id {id}", "id"));
}

/// <summary>What <c>DELETE /api/v1/messages</c> answers.</summary>
public sealed record DeletedMessages(int Deleted);
