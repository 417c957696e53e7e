using Akka.Configuration;

namespace ActorSmtp.Server.Hosting;

/// <summary>Loads configuration: a user's HOCON file layered over the shipped reference defaults.</summary>
public static class ActorSmtpConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = typeof(ActorSmtpConfig).Assembly.GetManifestResourceStream("ActorSmtp.reference.conf")
            ?? throw new InvalidOperationException("The embedded ActorSmtp.reference.conf is missing from the build.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>hocon/actorsmtp.reference.conf: every setting with its default.</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>The reference defaults with <paramref name="overrides"/> (HOCON text) on top.</summary>
    public static Config FromString(string overrides) =>
        ConfigurationFactory.ParseString(overrides).WithFallback(Reference);

    /// <summary>The reference defaults with the file at <paramref name="path"/> on top (none: defaults only).</summary>
    public static Config Load(string? path) =>
        path is null ? Reference : FromString(File.ReadAllText(path));
}
