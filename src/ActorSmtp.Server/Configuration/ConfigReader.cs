using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>Typed reads from HOCON that fail with a <see cref="SettingsException"/> naming the full key.</summary>
internal sealed class ConfigReader(Config config, string path)
{
    public Config Config { get; } = config;

    /// <summary>The key of this section itself ("actorsmtp.policies[0]").</summary>
    public string Path => path;

    public string Key(string name) => $"{path}.{name}";

    public ConfigReader Section(string name) => new(Config.GetConfig(name) ?? Config.Empty, Key(name));

    public string String(string name) => Read(name, () => Shaped(name, ShapeKind.Value, "a single value").GetString())
        ?? throw new SettingsException(Key(name), "missing");

    /// <summary>
    /// A name such as a sink name or type. HOCON reads the bare word <c>null</c> as a null value, yet
    /// <c>sink = null</c> and <c>type = null</c> are how users name the null sink, so it reads as "null".
    /// </summary>
    public string Name(string name) => Read(name, () => Config.GetString(name)) ?? "null";

    /// <summary>A switch: on/off (also true/false, yes/no).</summary>
    public bool Bool(string name)
    {
        var value = String(name);
        return value.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw new SettingsException(Key(name), $"must be on or off, not '{value}'"),
        };
    }

    /// <summary>A list of values; a single value is refused, never read as an empty list (StrictKeys says the same earlier).</summary>
    public IList<string> Strings(string name) => Read(name, () => Shaped(name, ShapeKind.List, "a list [ ... ]").GetStringList()) ?? [];

    public int Int(string name, int min, int max = int.MaxValue)
    {
        var value = Read(name, () => Config.GetInt(name));
        return value >= min && value <= max ? value : throw new SettingsException(Key(name), $"must be between {min} and {max}, not {value}");
    }

    public long Bytes(string name, long min)
    {
        var value = Read(name, () => Config.GetByteSize(name)) ?? throw new SettingsException(Key(name), "missing");
        return value >= min ? value : throw new SettingsException(Key(name), $"must be at least {min} bytes, not {value}");
    }

    public TimeSpan Duration(string name, TimeSpan min)
    {
        var value = Read(name, () => Config.GetTimeSpan(name, allowInfinite: false));
        return value >= min ? value : throw new SettingsException(Key(name), $"must be at least {min}, not {value}");
    }

    public double Double(string name, double min, double max)
    {
        var value = Read(name, () => Config.GetDouble(name));
        return value >= min && value <= max ? value : throw new SettingsException(Key(name), $"must be between {min} and {max}, not {value}");
    }

    private Akka.Configuration.Hocon.HoconValue Shaped(string name, ShapeKind kind, string described)
    {
        var value = Config.GetValue(name);
        return KeyShape.KindOf(value) == kind ? value : throw new SettingsException(Key(name), $"must be {described}");
    }

    private T Read<T>(string name, Func<T> read)
    {
        if (!Config.HasPath(name))
            throw new SettingsException(Key(name), "missing");
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is not SettingsException)
        {
            throw new SettingsException(Key(name), ex.Message, ex);
        }
    }
}
