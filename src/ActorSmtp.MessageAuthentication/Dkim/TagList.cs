namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// A DKIM tag=value list (RFC 6376 §3.2), as in a DKIM-Signature header and a key record: names are
/// case-sensitive, whitespace (FWS) around names and values is ignored, a duplicate tag makes the list invalid.
/// </summary>
internal static class TagList
{
    /// <summary>The tags of <paramref name="text"/>, or null when the list is malformed.</summary>
    public static Dictionary<string, string>? Parse(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in text.Split(';'))
        {
            if (string.IsNullOrWhiteSpace(spec))
                continue; // a trailing ";" is allowed (§3.2)
            var equals = spec.IndexOf('=');
            if (equals <= 0)
                return null;
            var name = spec[..equals].Trim(' ', '\t', '\r', '\n');
            if (name.Length == 0 || !tags.TryAdd(name, spec[(equals + 1)..].Trim(' ', '\t', '\r', '\n')))
                return null;
        }
        return tags;
    }

    /// <summary>A value with every folding white space removed (b=, bh=, p= are base64 split across lines).</summary>
    public static string WithoutWhiteSpace(string value) =>
        string.Create(value.Length - value.Count(char.IsWhiteSpace), value, static (span, source) =>
        {
            var at = 0;
            foreach (var c in source)
                if (!char.IsWhiteSpace(c))
                    span[at++] = c;
        });
}
