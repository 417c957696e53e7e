using Akka.Configuration;

namespace ActorSmtp.Policies.Http;

/// <summary>An <c>http</c> entry of <c>actorsmtp.policies</c>, read and checked once, when the policy is created.</summary>
/// <param name="Url">Where each check is POSTed (absolute http or https).</param>
/// <param name="Timeout">
/// The entry's <c>timeout</c>, which the server also reads: the server answers with <c>on-timeout</c> at it, and the
/// request is cancelled at it too, so a hook that hangs holds no connection for longer.
/// </param>
/// <param name="CacheTtl">How long a verdict answers for its key without a request; zero: no cache.</param>
/// <param name="Headers">Sent with every request, <c>env:NAME</c> values already read from the environment.</param>
internal sealed record HttpPolicySettings(Uri Url, TimeSpan Timeout, TimeSpan CacheTtl, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Values of this form are read from the environment, so a token need not be written in the file.</summary>
    private const string FromEnvironment = "env:";

    /// <exception cref="ConfigurationException">A key is missing or invalid; the message names it in backticks.</exception>
    public static HttpPolicySettings From(Config config)
    {
        var url = config.GetString("url", "");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw Invalid("url", $"must be an absolute http or https URL, not '{url}'");
        var timeout = Duration(config, "timeout", TimeSpan.FromSeconds(2));
        var ttl = Duration(config, "cache-ttl", TimeSpan.Zero);
        if (ttl < TimeSpan.Zero)
            throw Invalid("cache-ttl", "must be 0s (no cache) or more");
        return new HttpPolicySettings(uri, timeout, ttl, ReadHeaders(config));
    }

    // Akka's reader says "'-1s' was not in a correct format" without the key; this names it.
    private static TimeSpan Duration(Config config, string key, TimeSpan fallback)
    {
        try
        {
            return config.GetTimeSpan(key, fallback, allowInfinite: false);
        }
        catch (FormatException)
        {
            throw Invalid(key, $"must be a duration such as 30s or 5m, not '{config.GetString(key)}'");
        }
    }

    private static Dictionary<string, string> ReadHeaders(Config config)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!config.HasPath("headers"))
            return headers;
        foreach (var (name, value) in config.GetConfig("headers").Root.GetObject().Items)
            headers[name] = Resolve($"headers.{name}", value.GetString());
        return headers;
    }

    // The message names the variable, never its value: a header may hold a token.
    private static string Resolve(string key, string value)
    {
        if (!value.StartsWith(FromEnvironment, StringComparison.Ordinal))
            return value;
        var name = value[FromEnvironment.Length..];
        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } set
            ? set
            : throw Invalid(key, $"reads the environment variable {name}, which is not set");
    }

    private static ConfigurationException Invalid(string key, string problem) => new($"http policy: `{key}` {problem}");
}
