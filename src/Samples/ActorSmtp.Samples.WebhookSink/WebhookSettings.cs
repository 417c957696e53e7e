using Akka.Configuration;

namespace ActorSmtp.Samples.WebhookSink;

/// <summary>The webhook sink's HOCON block, read and checked once, when the sink is created.</summary>
/// <param name="Url">Where to POST each message (http or https).</param>
/// <param name="Timeout">
/// The longest one POST may take. The server reads the same key as this sink's own <c>timeout</c> and
/// answers 451 at it, so the two agree.
/// </param>
/// <param name="Secret">Key of the HMAC-SHA256 signature header; empty: requests are not signed.</param>
/// <param name="Headers">Extra request headers (an API key, say).</param>
internal sealed record WebhookSettings(Uri Url, TimeSpan Timeout, byte[] Secret, IReadOnlyDictionary<string, string> Headers)
{
    /// <exception cref="ConfigurationException">A setting is missing or invalid; the message names its key.</exception>
    public static WebhookSettings From(Config config)
    {
        var url = config.GetString("url", "");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw Invalid("url", "must be an absolute http or https URL");
        var timeout = config.GetTimeSpan("timeout", TimeSpan.FromSeconds(30), allowInfinite: false);
        if (timeout <= TimeSpan.Zero)
            throw Invalid("timeout", "must be positive");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (config.HasPath("headers"))
            foreach (var (name, value) in config.GetConfig("headers").Root.GetObject().Items)
                headers[name] = value.GetString();
        return new WebhookSettings(uri, timeout, System.Text.Encoding.UTF8.GetBytes(config.GetString("secret", "")), headers);
    }

    private static ConfigurationException Invalid(string key, string problem) => new($"webhook sink: `{key}` {problem}");
}
