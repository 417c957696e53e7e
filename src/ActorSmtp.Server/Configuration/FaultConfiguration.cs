using System.Globalization;
using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Reads <c>actorsmtp.faults</c>, and the same rules as the run-time API takes them (PUT /api/v1/faults, JSON): one
/// reader for both, so a rule the API accepts is one the file would, and its errors name the same keys.
/// </summary>
internal static partial class FaultConfiguration
{
    /// <summary>The key a body that is not a JSON object (or not even text HOCON can read) is reported under.</summary>
    public const string BodyKey = "(body)";

    private static readonly string[] BodyKeys = ["rules"];

    // A body is {"rules": [ { "when": { "header": { ... } } } ]}: four levels; the rest is room for mistakes to be reported.
    private const int MaxDepth = 16;

    /// <param name="root">The <c>actorsmtp</c> section.</param>
    /// <param name="loopbackOnly">Every listener is on loopback: only this machine can be hit by a rule that matches everyone.</param>
    /// <exception cref="SettingsException">A setting or rule is invalid; rules are checked even when faults are off, so a mistake stops start-up.</exception>
    public static FaultSettings Read(ConfigReader root, bool loopbackOnly)
    {
        var own = root.Section("faults");
        var faults = new ConfigReader(own.Config.WithFallback(ReferenceConfiguration.Config.GetConfig($"{ActorSmtpSettings.Root}.faults")), own.Path);
        var enabled = faults.Bool("enabled");
        var prefix = faults.String("tag-prefix");
        if (prefix.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')))
            throw new SettingsException(faults.Key("tag-prefix"), $"must be letters, digits, '-', '_' or '.' (a part of an address's local part), not '{prefix}'");
        var allowGlobal = faults.Bool("allow-global");
        return new FaultSettings(enabled, prefix, allowGlobal, Rules(faults.Config.GetValue("rules"), faults.Key("rules"), loopbackOnly, allowGlobal));
    }

    /// <summary>The rules of an API body, <c>{"rules": [ ... ]}</c>; errors name keys relative to it ("rules[0].at").</summary>
    /// <exception cref="SettingsException">The body does not parse, has other keys than <c>rules</c>, or a rule is invalid.</exception>
    public static IReadOnlyList<FaultRuleSettings> ParseRules(string text, bool loopbackOnly, bool allowGlobal)
    {
        Config body;
        try
        {
            // Text from the network: what would crash the parser (and the process with it) is refused before it runs.
            if (HoconText.Unfit(text, MaxDepth) is { } problem)
                throw new SettingsException(BodyKey, $"is not plain JSON: {problem}");
            body = HoconText.Parse(text); // HOCON is a superset of JSON: the file's reader reads the API's body
        }
        catch (Exception ex) when (ex is not SettingsException)
        {
            throw new SettingsException(BodyKey, $"is not valid JSON: {ex.Message}", ex);
        }
        // Akka's parser reads a top-level [ ... ] as the keys of its first element: only an object is a body.
        if (!text.AsSpan().TrimStart().StartsWith("{") || body.Root is not { } top || !top.IsObject())
            throw new SettingsException(BodyKey, "must be a JSON object {\"rules\": [ ... ]}");
        CheckKeys(top, "", BodyKeys);
        if (!body.HasPath("rules"))
            throw new SettingsException("rules", "missing");
        return Rules(body.GetValue("rules"), "rules", loopbackOnly, allowGlobal);
    }

    /// <summary>One line for logs: <c>rules[0] at rcpt: reply "451 4.3.0 Try again later" when rcpt = *@fail-rcpt.test</c>.</summary>
    public static string Describe(FaultRuleSettings rule)
    {
        var effect = rule.Effect;
        var text = new StringBuilder($"{rule.Name} at {FaultNames.Of(effect.Stage)}: {FaultNames.Of(effect.Action)}");
        if (effect.Reply is not null)
            text.Append($" \"{effect.Reply}\"");
        if (effect.For is { } duration)
            text.Append($" for {FaultNames.Of(duration)}");
        if (effect.Rate > 0)
            text.Append(CultureInfo.InvariantCulture, $" at {effect.Rate} bytes/s");
        if (effect.AfterStore && effect.Action is not (FaultAction.StoreThenDisconnect or FaultAction.StoreThenReply))
            text.Append(" after store");
        if (rule.After != 0)
            text.Append(CultureInfo.InvariantCulture, $" after {rule.After} bytes");
        if (rule.Chunk != 1)
            text.Append(CultureInfo.InvariantCulture, $" at chunk {rule.Chunk}");
        text.Append(" when ").Append(Describe(rule.When));
        if (rule.Probability != 1)
            text.Append(CultureInfo.InvariantCulture, $", probability {rule.Probability}");
        if (rule.Every != 1)
            text.Append(CultureInfo.InvariantCulture, $", every {rule.Every}");
        if (rule.Times != 0)
            text.Append(CultureInfo.InvariantCulture, $", times {rule.Times}");
        return text.ToString();
    }

    private static string Describe(FaultConditions when)
    {
        if (when.IsEmpty)
            return "anyone";
        var parts = new List<string>();
        if (when.Rcpt is not null)
            parts.Add($"rcpt = {when.Rcpt}");
        if (when.From is not null)
            parts.Add($"from = {when.From}");
        if (when.Client is { } client)
            parts.Add($"client = {client}");
        if (when.Helo is not null)
            parts.Add($"helo = {when.Helo}");
        if (when.User is not null)
            parts.Add($"user = {when.User}");
        if (when.Header is { } header)
            parts.Add($"header {header.Name} contains \"{header.Contains}\"");
        return string.Join(" and ", parts);
    }

    private static IReadOnlyList<FaultRuleSettings> Rules(HoconValue list, string key, bool loopbackOnly, bool allowGlobal)
    {
        if (KeyShape.KindOf(list) != ShapeKind.List)
            throw new SettingsException(key, "must be a list [ ... ]");
        return list.GetArray().Select((item, i) => Rule(item, $"{key}[{i}]", $"rules[{i}]", loopbackOnly, allowGlobal)).ToArray();
    }

    /// <summary>Unknown keys are errors: a misspelled matcher must not leave a rule that matches everyone.</summary>
    private static void CheckKeys(HoconValue block, string path, string[] known)
    {
        foreach (var key in block.GetObject().Items.Keys)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
                throw new SettingsException(Join(path, key), $"unknown key (known{(path.Length > 0 ? $" in {path}" : "")}: {string.Join(", ", known)})");
        }
    }

    private static string Join(string path, string key) => path.Length > 0 ? $"{path}.{key}" : key;
}
