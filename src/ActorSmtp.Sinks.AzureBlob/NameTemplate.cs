using System.Globalization;
using System.Text;
using Akka.Configuration;

namespace ActorSmtp.Sinks.AzureBlob;

/// <summary>
/// The blob name of a message, from the <c>name-template</c> setting: literal text and the tokens
/// <c>{yyyy} {MM} {dd} {HH}</c> (the UTC time DATA was accepted), <c>{id}</c> (the message id) and
/// <c>{rcpt-domain}</c> (the first recipient's domain, lower case, <c>_</c> when it has none).
/// </summary>
/// <remarks>
/// Parsed once, when the sink is created: an unknown token, an unbalanced brace or a template without
/// <c>{id}</c> (names would collide and overwrite each other) is a configuration error.
/// </remarks>
internal sealed class NameTemplate
{
    public const string Default = "{yyyy}/{MM}/{dd}/{id}.eml";

    private const string Key = "name-template";
    private const int MaxMessageIdLength = 128;

    private static readonly string[] Tokens = ["yyyy", "MM", "dd", "HH", "id", "rcpt-domain"];

    // Each part is a literal, or a token when IsToken.
    private readonly (string Text, bool IsToken)[] _parts;

    private NameTemplate(string template, (string, bool)[] parts)
    {
        Template = template;
        _parts = parts;
    }

    public string Template { get; }

    /// <exception cref="ConfigurationException">The template is invalid; the message names <c>name-template</c>.</exception>
    public static NameTemplate Parse(string template)
    {
        if (string.IsNullOrWhiteSpace(template))
            throw BlobSinkSettings.Invalid(Key, "must not be empty");
        // Azure: names ending in '.' or '/' are not addressable as written; '\' is turned into '/'.
        if (template[0] == '/' || template[^1] is '/' or '.' || template.Contains('\\'))
            throw BlobSinkSettings.Invalid(Key, $"\"{template}\" must not start with '/', end with '/' or '.', or contain '\\'");
        var parts = new List<(string, bool)>();
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            var close = template.IndexOf('}', position);
            if (close >= 0 && (open < 0 || close < open))
                throw BlobSinkSettings.Invalid(Key, $"\"{template}\" has a '}}' without '{{' at {close}");
            if (open < 0)
            {
                parts.Add((template[position..], false));
                break;
            }
            if (open > position)
                parts.Add((template[position..open], false));
            close = template.IndexOf('}', open);
            if (close < 0)
                throw BlobSinkSettings.Invalid(Key, $"\"{template}\" has a '{{' without '}}' at {open}");
            var token = template[(open + 1)..close];
            if (!Tokens.Contains(token, StringComparer.Ordinal))
                throw BlobSinkSettings.Invalid(Key, $"has an unknown token {{{token}}} (known: {string.Join(" ", Tokens.Select(t => "{" + t + "}"))})");
            parts.Add((token, true));
            position = close + 1;
        }
        if (!parts.Contains(("id", true)))
            throw BlobSinkSettings.Invalid(Key, $"\"{template}\" must contain {{id}}, or messages would overwrite each other");
        return new NameTemplate(template, parts.ToArray());
    }

    /// <summary>The blob name of one message.</summary>
    /// <exception cref="ArgumentException">The message id is not safe in a blob name.</exception>
    public string Expand(SmtpEnvelope envelope)
    {
        // Ids come from the server ([0-9A-Z]{26}, "ID.1" for a routed copy); a name built from outside input is checked anyway.
        var id = envelope.MessageId;
        if (id.Length is 0 or > MaxMessageIdLength || id[0] == '.' || id.Contains("..", StringComparison.Ordinal)
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"message id \"{id}\" is not safe in a blob name");
        var at = envelope.ReceivedAt.UtcDateTime;
        var name = new StringBuilder(Template.Length + id.Length);
        foreach (var (text, isToken) in _parts)
        {
            name.Append(!isToken ? text : text switch
            {
                "yyyy" => at.ToString("yyyy", CultureInfo.InvariantCulture),
                "MM" => at.ToString("MM", CultureInfo.InvariantCulture),
                "dd" => at.ToString("dd", CultureInfo.InvariantCulture),
                "HH" => at.ToString("HH", CultureInfo.InvariantCulture),
                "id" => id,
                _ => RecipientDomain(envelope.RcptTo),
            });
        }
        return name.ToString();
    }

    // The domain as one safe path segment: no '/', no '.'-only segments, no control characters.
    private static string RecipientDomain(IReadOnlyList<string> recipients)
    {
        var address = recipients.Count > 0 ? recipients[0] : "";
        var at = address.LastIndexOf('@');
        var domain = at < 0 ? "" : address[(at + 1)..].ToLowerInvariant();
        var safe = new string(domain.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '[' or ']' or ':' ? c : '_').ToArray());
        return safe.Trim('.') is { Length: > 0 } trimmed ? trimmed : "_";
    }
}
