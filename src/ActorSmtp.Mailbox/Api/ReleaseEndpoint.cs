using System.Text.Json;
using ActorSmtp.Mailbox.Release;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// <c>POST /api/v1/messages/{id}/release</c> with <c>{"to": ["someone@example.com"]}</c>: relays the captured message
/// through the release sink. 200 with the record when the upstream took it; 502 when it refused or could not be
/// reached (recorded too); 404 for an unknown id; 409 when no release sink is configured; 400 naming <c>to</c>.
/// </summary>
internal static class ReleaseEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The request's body.</summary>
    /// <param name="To">The new recipients: addresses (user@domain).</param>
    public sealed record ReleaseRequest(IReadOnlyList<string>? To);

    public static async Task<Results<Ok<ReleaseRecord>, JsonHttpResult<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> ReleaseAsync(
        HttpRequest request, Mailbox mailbox, string id, CancellationToken ct)
    {
        QueryParameters.Of(request);
        var to = await RecipientsAsync(request, ct).ConfigureAwait(false);
        if (request.HttpContext.RequestServices.GetService<ReleaseTarget>() is not { } target)
            return TypedResults.Conflict(new ApiError("releasing needs a relay sink: set actorsmtp.mailbox.release-sink", "release-sink"));
        var record = await mailbox.ReleaseAsync(id, to, target, ct).ConfigureAwait(false);
        if (record is null)
            return TypedResults.NotFound(new ApiError($"no message {id}", "id"));
        return record.Relayed ? TypedResults.Ok(record)
            : TypedResults.Json(new ApiError($"not relayed: {record.Reply}"), statusCode: StatusCodes.Status502BadGateway);
    }

    private static async Task<IReadOnlyList<string>> RecipientsAsync(HttpRequest request, CancellationToken ct)
    {
        ReleaseRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ReleaseRequest>(request.Body, Json, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw new BadParameterException("to", "the body must be JSON: {\"to\": [\"someone@example.com\"]}");
        }
        if (body?.To is not { Count: > 0 } to)
            throw new BadParameterException("to", "`to` must list at least one address");
        if (to.Count > 100)
            throw new BadParameterException("to", "`to` lists more than 100 addresses");
        foreach (var address in to)
            if (!IsAddress(address))
                throw new BadParameterException("to", $"'{address}' is not an address (user@domain)");
        return to;
    }

    // A mailbox as RCPT TO takes it (the session's own parser), with a domain: nothing that would break the command line.
    private static bool IsAddress(string? address) =>
        address is { Length: > 0 and <= 254 }
        && ActorSmtp.Protocol.Addresses.PathParser.ParseMailbox(System.Text.Encoding.UTF8.GetBytes(address), allowUtf8: true, out var mailbox)
            == ActorSmtp.Protocol.Addresses.PathParseStatus.Ok
        && mailbox!.Domain.Length > 0;
}
