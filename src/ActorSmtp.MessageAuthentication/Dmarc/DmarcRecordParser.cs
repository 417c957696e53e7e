using System.Diagnostics.CodeAnalysis;
using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>Reads DMARC TXT records (RFC 7489 §6.3 and the §6.4 grammar), leniently where the RFC allows.</summary>
public static class DmarcRecordParser
{
    private const string Version = "DMARC1";

    /// <summary>
    /// RFC 7489 §6.6.3 steps 2 and 4: a TXT record is a DMARC record only when it starts with <c>v=DMARC1</c>
    /// (white space around "=" allowed, the version case-sensitive by its %x grammar); others are discarded.
    /// </summary>
    public static bool IsDmarcRecord(string text)
    {
        var first = FirstTag(text);
        return first is { } tag && tag.Name.Equals("v", StringComparison.OrdinalIgnoreCase) && tag.Value == Version;
    }

    /// <summary>Parses a record that <see cref="IsDmarcRecord"/> accepted.</summary>
    /// <param name="text">The TXT record, its strings joined.</param>
    /// <param name="record">The record, defaults filled in.</param>
    /// <param name="problem">
    /// When false: why the record is unusable (no DMARC processing, RFC 7489 §6.6.3 step 6.2). When true and not null:
    /// the record's <c>p=</c> or <c>sp=</c> was invalid but <c>rua=</c> valid, so it reads as <c>p=none</c> (step 6.1).
    /// </param>
    /// <remarks>
    /// §6.3: unknown tags are ignored and syntax errors in the other tags fall back to their defaults
    /// (<c>adkim=x</c> reads as relaxed, <c>pct=200</c> as 100). The first occurrence of a repeated tag counts.
    /// </remarks>
    public static bool TryParse(string text, [NotNullWhen(true)] out DmarcRecord? record, out string? problem)
    {
        record = null;
        if (!IsDmarcRecord(text))
        {
            problem = "not a DMARC record (no leading v=DMARC1)";
            return false;
        }
        var tags = Tags(text);
        var rua = Uris(tags.GetValueOrDefault("rua"));
        var policy = Policy(tags.GetValueOrDefault("p"));
        var subdomainPolicy = Policy(tags.GetValueOrDefault("sp"));
        problem = null;
        if (policy is null || (tags.ContainsKey("sp") && subdomainPolicy is null))
        {
            var what = policy is null ? $"p={tags.GetValueOrDefault("p") ?? "(missing)"}" : $"sp={tags["sp"]}";
            if (rua.Count == 0)
            {
                problem = $"invalid {what} and no valid rua= (RFC 7489 §6.6.3 step 6)";
                return false;
            }
            problem = $"invalid {what}: read as p=none because rua= is valid (RFC 7489 §6.6.3 step 6)";
            policy = DmarcPolicy.None;
            subdomainPolicy = null;
        }
        record = new DmarcRecord(
            policy.Value,
            subdomainPolicy,
            Alignment(tags.GetValueOrDefault("adkim")),
            Alignment(tags.GetValueOrDefault("aspf")),
            Percent(tags.GetValueOrDefault("pct")),
            rua,
            Uris(tags.GetValueOrDefault("ruf")),
            FailureOptions(tags.GetValueOrDefault("fo")),
            ReportFormat(tags.GetValueOrDefault("rf")),
            ReportInterval(tags.GetValueOrDefault("ri")));
        return true;
    }

    private readonly record struct Tag(string Name, string Value);

    private static Tag? FirstTag(string text)
    {
        var semicolon = text.IndexOf(';');
        return ParseTag(semicolon < 0 ? text : text[..semicolon]);
    }

    private static Tag? ParseTag(string part)
    {
        var equals = part.IndexOf('=');
        if (equals < 0)
            return null;
        var name = part[..equals].Trim(' ', '\t');
        return name.Length == 0 ? null : new Tag(name.ToLowerInvariant(), part[(equals + 1)..].Trim(' ', '\t'));
    }

    private static Dictionary<string, string> Tags(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';'))
        {
            if (ParseTag(part) is { } tag)
                tags.TryAdd(tag.Name, tag.Value);
        }
        return tags;
    }

    private static DmarcPolicy? Policy(string? value) => value?.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };

    private static DmarcAlignmentMode Alignment(string? value) =>
        string.Equals(value, "s", StringComparison.OrdinalIgnoreCase) ? DmarcAlignmentMode.Strict : DmarcAlignmentMode.Relaxed;

    // §6.4: dmarc-percent = "pct" *WSP "=" *WSP 1*3DIGIT, 0 to 100.
    private static int Percent(string? value) =>
        value is { Length: >= 1 and <= 3 } && IsDigits(value) && int.Parse(value) <= 100 ? int.Parse(value) : 100;

    // §6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ], a comma-separated list.
    private static List<string> Uris(string? value)
    {
        var uris = new List<string>();
        if (value is null)
            return uris;
        foreach (var item in value.Split(','))
        {
            var uri = item.Trim(' ', '\t');
            var bang = uri.LastIndexOf('!');
            var bare = bang > 0 ? uri[..bang] : uri;
            if (Uri.TryCreate(bare, UriKind.Absolute, out _))
                uris.Add(uri);
        }
        return uris;
    }

    // §6.4: dmarc-fo = "fo" *WSP "=" *WSP ( "0" / "1" / "d" / "s" ) *(*WSP ":" *WSP ( "0" / "1" / "d" / "s" ) ).
    private static string FailureOptions(string? value)
    {
        if (value is null)
            return "0";
        var options = value.Split(':').Select(o => o.Trim(' ', '\t').ToLowerInvariant()).ToArray();
        return options.All(o => o is "0" or "1" or "d" or "s") ? string.Join(':', options) : "0";
    }

    private static string ReportFormat(string? value) =>
        string.IsNullOrEmpty(value) ? "afrf" : string.Join(':', value.Split(':').Select(f => f.Trim(' ', '\t').ToLowerInvariant()));

    // §6.4: dmarc-ainterval = "ri" *WSP "=" *WSP 1*DIGIT.
    private static long ReportInterval(string? value) =>
        value is not null && IsDigits(value) && long.TryParse(value, out var seconds) ? seconds : 86400;

    private static bool IsDigits(string value) => value.Length > 0 && value.All(char.IsAsciiDigit);
}
