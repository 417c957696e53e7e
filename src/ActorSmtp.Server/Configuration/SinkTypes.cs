using Akka.Actor;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Loads an actor class named by assembly-qualified name (a custom sink's or authenticator's <c>type</c>): an actor
/// with a public constructor taking its HOCON block. Names the build can see are registered in
/// <see cref="SinkCatalog"/> instead.
/// </summary>
internal static class SinkTypes
{
    /// <summary>The sink class <paramref name="type"/> names; <paramref name="key"/> names the setting in errors.</summary>
    /// <param name="known">The registered type names, for the error when nothing by that name loads.</param>
    public static Type Load(string type, string key, IEnumerable<string> known)
    {
        Type? loaded;
        try
        {
            loaded = Type.GetType(type, throwOnError: false);
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new SettingsException(key, $"cannot load sink type '{type}': {ex.Message}", ex);
        }
        if (loaded is null)
            throw new SettingsException(key, $"unknown sink type '{type}' (known: {string.Join(", ", known)}; or an assembly-qualified class name)");
        if (!IsSinkActor(loaded))
            throw new SettingsException(key, $"'{loaded.FullName}' must be an actor with a public constructor taking Akka.Configuration.Config");
        return loaded;
    }

    /// <summary>The class an assembly-qualified <paramref name="type"/> names, or null when none loads.</summary>
    public static Type? TryLoad(string type)
    {
        try
        {
            return Type.GetType(type, throwOnError: false);
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }

    public static void Check(Type type, string name)
    {
        if (!IsSinkActor(type))
            throw new ArgumentException($"'{type.FullName}' must be an actor with a public constructor taking Akka.Configuration.Config", name);
    }

    private static bool IsSinkActor(Type type) =>
        typeof(ActorBase).IsAssignableFrom(type) && type.GetConstructor([typeof(Akka.Configuration.Config)]) is not null;
}
