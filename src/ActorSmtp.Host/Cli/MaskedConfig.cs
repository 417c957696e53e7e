using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorSmtp.Host.Cli;

/// <summary>
/// Renders a configuration section as HOCON (JSON-compatible quoting) with secrets masked: passwords, password
/// hashes, and the keys inside connection strings (AccountKey, SharedAccessSignature, sig).
/// </summary>
internal static partial class MaskedConfig
{
    public const string Mask = "<masked>";

    public static string Render(Config config, string path)
    {
        var text = new StringBuilder();
        text.Append(path).Append(' ');
        Write(text, config.GetValue(path), key: path, indent: 0);
        text.Append('\n');
        return text.ToString();
    }

    private static void Write(StringBuilder text, HoconValue? value, string key, int indent)
    {
        if (value is null || value.Values.Count == 0)
        {
            text.Append("[]"); // how the parser keeps an empty list
            return;
        }
        if (value.IsObject())
        {
            var items = value.GetObject().Items;
            text.Append("{\n");
            foreach (var (name, item) in items.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                text.Append(' ', (indent + 1) * 2).Append(Token(name)).Append(" = ");
                Write(text, item, name, indent + 1);
                text.Append('\n');
            }
            text.Append(' ', indent * 2).Append('}');
            return;
        }
        if (value.Values.All(v => v is HoconArray) || value.IsArray())
        {
            var items = value.GetArray();
            if (items.Count == 0)
            {
                text.Append("[]");
                return;
            }
            text.Append("[\n");
            foreach (var item in items)
            {
                text.Append(' ', (indent + 1) * 2);
                Write(text, item, key, indent + 1);
                text.Append('\n');
            }
            text.Append(' ', indent * 2).Append(']');
            return;
        }
        var leaf = value.GetString();
        text.Append(leaf is null ? "null" : Token(Masked(key, leaf)));
    }

    internal static string Masked(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return value ?? "";
        var name = key.ToLowerInvariant();
        if (name is "password" or "password-hash" || name.EndsWith("secret", StringComparison.Ordinal) || name.EndsWith("token", StringComparison.Ordinal))
            return Mask;
        if (name.Contains("connection-string", StringComparison.Ordinal))
            return ConnectionSecret().Replace(value, m => $"{m.Groups[1].Value}={Mask}");
        return value;
    }

    /// <summary>Numbers, durations, sizes, on/off and simple names stay bare; anything else is quoted.</summary>
    private static string Token(string text) =>
        text.Length > 0 && text != "null" && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') ? text : Quote(text);

    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ when char.IsControl(c) => quoted.Append($"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        return quoted.Append('"').ToString();
    }

    [GeneratedRegex(@"(AccountKey|SharedAccessSignature|SharedAccessKey|sig|password|pwd)=[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionSecret();
}
