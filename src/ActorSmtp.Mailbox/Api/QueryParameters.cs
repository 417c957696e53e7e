using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// The query string of a mailbox request, read strictly: a parameter the route does not take, given twice or given
/// empty is a 400 naming it. <c>DELETE /messages?too=x</c> (a typo) must not read as "no filter", which deletes everything.
/// </summary>
internal sealed partial class QueryParameters
{
    /// <summary>The filters of <see cref="MessageQuery"/>, as <c>GET /messages</c>, <c>DELETE /messages</c> and the await take them.</summary>
    public static readonly string[] Filters = ["to", "from", "subject", "since", "until", "q"];

    private readonly IQueryCollection _query;

    private QueryParameters(IQueryCollection query) => _query = query;

    /// <summary>The query of <paramref name="request"/>, which may hold only <paramref name="allowed"/>.</summary>
    public static QueryParameters Of(HttpRequest request, params IEnumerable<string>[] allowed)
    {
        var known = allowed.SelectMany(names => names).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, values) in request.Query)
        {
            if (!known.Contains(name))
                throw new BadParameterException(name, $"unknown parameter `{name}` (this route takes: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            if (values.Count > 1)
                throw new BadParameterException(name, $"`{name}` is given {values.Count} times");
            if (string.IsNullOrWhiteSpace(values[0]))
                throw new BadParameterException(name, $"`{name}` is empty (leave it out for no filter)");
        }
        return new QueryParameters(request.Query);
    }

    public string? String(string name) => _query.TryGetValue(name, out var values) ? values[0] : null;

    /// <summary><c>to</c>, <c>from</c>, <c>subject</c>, <c>since</c>, <c>until</c> and <c>q</c> as a query; none set: <see cref="MessageQuery.All"/>.</summary>
    public MessageQuery Query() => new(String("to"), String("from"), String("subject"), Time("since"), Time("until"), String("q"));

    /// <summary>An ISO 8601 time (<c>2025-05-01T12:00:00Z</c>; without an offset, UTC).</summary>
    public DateTimeOffset? Time(string name) => String(name) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new BadParameterException(name, $"`{name}` must be an ISO 8601 time such as 2025-05-01T12:00:00Z, not '{text}'");

    public int Int(string name, int fallback, int min, int max)
    {
        if (String(name) is not { } text)
            return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new BadParameterException(name, $"`{name}` must be a whole number from {min} to {max}, not '{text}'");
    }

    /// <summary>A duration: <c>30s</c>, <c>500ms</c>, <c>2m</c>, or a number of seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan max)
    {
        if (String(name) is not { } text)
            return fallback;
        var match = DurationText().Match(text);
        var value = match.Success && long.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var number)
            ? match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "m" => TimeSpan.FromMinutes(Math.Min(number, 1_000_000)),
                _ => TimeSpan.FromSeconds(Math.Min(number, 1_000_000_000)),
            }
            : (TimeSpan?)null;
        return value is { } duration && duration <= max
            ? duration
            : throw new BadParameterException(name, $"`{name}` must be a duration such as 30s, 500ms or 2m, at most {max.TotalSeconds:0}s, not '{text}'");
    }

    [GeneratedRegex(@"^\s*(\d{1,12})\s*(ms|s|m)?\s*$")]
    private static partial Regex DurationText();
}
