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

    internal static void Check(Type type, string name)
    {
        if (!IsSinkActor(type))
            throw new ArgumentException($"'{type.FullName}' must be an actor with a public constructor taking Akka.Configuration.Config", name);
    }

    private static bool IsSinkActor(Type type) =>
        typeof(ActorBase).IsAssignableFrom(type) && type.GetConstructor([typeof(Akka.Configuration.Config)]) is not null;
}
