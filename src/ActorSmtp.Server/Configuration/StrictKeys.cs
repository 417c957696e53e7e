using Akka.Configuration;
using Akka.Configuration.Hocon;
using F23.StringSimilarity;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Configuration is strict: every key set under <c>actorsmtp</c> must be one ActorSmtp reads (<see cref="ConfigSchema"/>),
/// holding a value of the shape it is read as. A misspelled key is an error rather than a default silently kept,
/// and a value of the wrong shape never reads as an empty one: <c>accepted-domains = "example.com"</c> (not a list)
/// must not become "no domains", which is capture mode. Akka merges a configuration with its fallbacks, so what is
/// walked holds the reference's keys too: they are known by definition.
/// </summary>
internal static class StrictKeys
{
    private static readonly OptimalStringAlignment Distance = new();

    /// <exception cref="SettingsException">The first unknown key or value of the wrong shape, with the key probably meant.</exception>
    public static void Check(Config config, SinkCatalog catalog)
    {
        var shape = ConfigSchema.For(new ConfigReader(config.GetConfig(ActorSmtpSettings.Root) ?? Config.Empty, ActorSmtpSettings.Root), catalog);
        for (var layer = config; layer is not null; layer = layer.Fallback)
        {
            if (layer.Root is null || ReferenceEquals(layer.Root, ReferenceConfiguration.Config.Root) || !layer.Root.IsObject())
                continue;
            var top = layer.Root.GetObject().Items;
            CheckTopLevel(top.Keys, shape);
            if (top.TryGetValue(ActorSmtpSettings.Root, out var section))
                Walk(section, shape, ActorSmtpSettings.Root, shape);
        }
    }

    /// <summary>Other top-level keys are Akka's or the embedding application's; only near misses of ours are refused.</summary>
    private static void CheckTopLevel(IEnumerable<string> keys, KeyShape shape)
    {
        foreach (var key in keys.Where(k => k is not (ActorSmtpSettings.Root or "akka")))
        {
            if (shape.Keys!.ContainsKey(key))
                throw new SettingsException(key, $"unknown key; did you mean {ActorSmtpSettings.Root}.{key}?");
            if (Distance.Distance(key, ActorSmtpSettings.Root) <= 2)
                throw new SettingsException(key, $"unknown key; did you mean {ActorSmtpSettings.Root}?");
        }
    }

    /// <summary>Checks one block that is its own (an entry of a list whose keys depend on its type) against <paramref name="shape"/>.</summary>
    public static void CheckBlock(HoconValue value, KeyShape shape, string path) => Walk(value, shape, path, shape);

    private static void Walk(HoconValue value, KeyShape shape, string path, KeyShape root)
    {
        var kind = KeyShape.KindOf(value);
        if (shape.Kind != ShapeKind.Any && kind != shape.Kind)
            throw new SettingsException(path, $"must be {Described(shape.Kind)}, not {Described(kind, value)}");
        if (shape.Kind == ShapeKind.List)
        {
            var items = value.GetArray();
            for (var i = 0; i < items.Count; i++)
                Walk(items[i], shape.Element ?? KeyShape.Value, $"{path}[{i}]", root);
        }
        else if (shape.Kind == ShapeKind.Block)
        {
            foreach (var (key, child) in value.GetObject().Items)
                Walk(child, shape.Child(key) ?? throw Unknown(path, key, shape, root), $"{path}.{key}", root);
        }
    }

    private static SettingsException Unknown(string path, string key, KeyShape block, KeyShape root)
    {
        var known = block.Keys?.Keys.ToArray() ?? [];
        var near = known.Select(k => (Key: k, Distance: Distance.Distance(key, k)))
            .Where(k => k.Distance <= Allowed(key)).OrderBy(k => k.Distance).Select(k => $"{path}.{k.Key}").FirstOrDefault();
        // Not a typo but a key in the wrong block: `actorsmtp.max-message-size` for `actorsmtp.limits.max-message-size`.
        near ??= root.Paths(ActorSmtpSettings.Root).FirstOrDefault(p => p.EndsWith($".{key}", StringComparison.Ordinal));
        if (near is not null)
            return new SettingsException($"{path}.{key}", $"unknown key; did you mean {near}?");
        return new SettingsException($"{path}.{key}", known.Length is > 0 and <= 16
            ? $"unknown key (known in {path}: {string.Join(", ", known.Order(StringComparer.Ordinal))})"
            : "unknown key");
    }

    // An edit or two, as typos go; one for short keys, where two edits make another word ("tls", "key").
    private static int Allowed(string key) => key.Length <= 4 ? 1 : key.Length <= 8 ? 2 : 3;

    // Values are not echoed: they may be secrets (a password, a connection string).
    private static string Described(ShapeKind kind, HoconValue? value = null) => kind switch
    {
        ShapeKind.List => "a list [ ... ]",
        ShapeKind.Block => "a block { ... }",
        _ when value is not null && value.GetString() is null => "null",
        _ => "a single value",
    };
}
