using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// Resolves a sink's <c>type</c>: a built-in alias or the assembly-qualified name of an actor class
/// with a public constructor taking its HOCON block.
/// </summary>
public static class SinkTypes
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["file"] = "ActorSmtp.Sinks.File.FileSink, ActorSmtp.Sinks.File",
        ["azure-blob"] = "ActorSmtp.Sinks.AzureBlob.BlobSink, ActorSmtp.Sinks.AzureBlob",
        ["null"] = typeof(NullSink).AssemblyQualifiedName!,
        ["reject"] = typeof(RejectSink).AssemblyQualifiedName!,
    };

    /// <summary>Finds the actor type for <paramref name="type"/>; <paramref name="key"/> names the setting in errors.</summary>
    public static Type Resolve(string type, string key)
    {
        var typeName = Aliases.GetValueOrDefault(type, type);
        Type? resolved;
        try
        {
            resolved = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new SettingsException(key, $"cannot load sink type '{type}': {ex.Message}", ex);
        }
        if (resolved is null)
            throw new SettingsException(key, $"unknown sink type '{type}' (built in: {string.Join(", ", Aliases.Keys)}; or an assembly-qualified class name)");
        if (!IsSinkActor(resolved))
            throw new SettingsException(key, $"'{resolved.FullName}' must be an actor with a public constructor taking Akka.Configuration.Config");
        return resolved;
    }

    /// <summary>The built-in alias <paramref name="type"/> is, or names the class of (its assembly-qualified name); else null.</summary>
    internal static string? Alias(string type)
    {
        if (Aliases.ContainsKey(type))
            return Aliases.Keys.First(alias => string.Equals(alias, type, StringComparison.OrdinalIgnoreCase));
        var resolved = TryResolve(type);
        return resolved is null ? null : Aliases.FirstOrDefault(alias => TryResolve(alias.Value) == resolved).Key;
    }

    /// <summary>The class <paramref name="type"/> names (an alias or an assembly-qualified name), or null when none loads.</summary>
    internal static Type? TryResolve(string type)
    {
        try
        {
            return Type.GetType(Aliases.GetValueOrDefault(type, type), throwOnError: false);
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }

    internal static void Check(Type type, string name)
    {
        if (!IsSinkActor(type))
            throw new ArgumentException($"'{type.FullName}' must be an actor with a public constructor taking Akka.Configuration.Config", name);
    }

    private static bool IsSinkActor(Type type) =>
        typeof(ActorBase).IsAssignableFrom(type) && type.GetConstructor([typeof(Akka.Configuration.Config)]) is not null;
}
