using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// <c>/api/v1/faults</c>: the scripted faults of the running server, armed and disarmed by a test suite. GET shows the
/// rules in force; PUT <c>{"rules": [...]}</c> replaces them, validated by the reader of <c>actorsmtp.faults.rules</c>
/// (a bad rule is a 400 naming the field, "rules[0].at", and changes nothing); DELETE removes them all. With
/// <c>actorsmtp.faults.enabled = off</c> the server evaluates no rule at all, so PUT and DELETE are 409.
/// </summary>
internal static class FaultsEndpoint
{
    private const int MaxBody = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The fault rules of the running server; null while it is not running or has faults off.</summary>
    public sealed class Source(Func<FaultBook?> book)
    {
        public FaultBook? Book => book();
    }

    public static void Map(IEndpointRouteBuilder routes)
    {
        var faults = routes.MapGroup("/api/v1/faults");
        faults.MapGet("", Get).WithSummary("The fault rules in force (actorsmtp.faults), in the form PUT takes.");
        faults.MapPut("", PutAsync).WithSummary("Replaces every fault rule with {\"rules\": [...]}; a bad rule is 400 naming the field.");
        faults.MapDelete("", Delete).WithSummary("Removes every fault rule (recipient tags still work while faults are on).");
    }

    private static JsonHttpResult<FaultsView> Get(HttpRequest request, Source source)
    {
        QueryParameters.Of(request);
        return TypedResults.Json(FaultsView.Of(source.Book), Json);
    }

    private static async Task<Results<JsonHttpResult<FaultsView>, Conflict<ApiError>>> PutAsync(
        HttpRequest request, Source source, ILoggerFactory logging, CancellationToken ct)
    {
        QueryParameters.Of(request);
        if (source.Book is not { } book)
            return Off();
        var text = await BodyAsync(request, ct).ConfigureAwait(false);
        if (!text.AsSpan().TrimStart().StartsWith("{"))
            throw new BadParameterException("rules", "the body must be a JSON object: {\"rules\": [ ... ]}");
        IReadOnlyList<FaultRuleSettings> rules;
        try
        {
            rules = book.Replace(text);
        }
        catch (SettingsException bad)
        {
            throw new BadParameterException(bad.Key, bad.Message);
        }
        var log = logging.CreateLogger("ActorSmtp.Faults");
        log.LogWarning("faults replaced through the API: {Count} rule(s)", rules.Count);
        foreach (var rule in rules)
            log.LogWarning("fault rule {Rule}", FaultConfiguration.Describe(rule));
        return TypedResults.Json(FaultsView.Of(book), Json);
    }

    private static Results<JsonHttpResult<FaultsView>, Conflict<ApiError>> Delete(HttpRequest request, Source source, ILoggerFactory logging)
    {
        QueryParameters.Of(request);
        if (source.Book is not { } book)
            return Off();
        book.Replace([]);
        logging.CreateLogger("ActorSmtp.Faults").LogWarning("faults cleared through the API: no rule in force");
        return TypedResults.Json(FaultsView.Of(book), Json);
    }

    private static Conflict<ApiError> Off() =>
        TypedResults.Conflict(new ApiError("faults are off: start the server with actorsmtp.faults.enabled = on", "enabled"));

    private static async Task<string> BodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody)
            throw new BadParameterException("rules", $"the body is larger than {MaxBody} bytes");
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxBody + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
        if (length > MaxBody)
            throw new BadParameterException("rules", $"the body is larger than {MaxBody} bytes");
        return new string(buffer, 0, length);
    }
}
