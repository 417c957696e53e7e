using Akka.Configuration;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Hosting;

/// <summary>Loads configuration: a user's HOCON file layered over the shipped reference defaults.</summary>
public static class ActorSmtpConfig
{
    /// <summary>hocon/actorsmtp.reference.conf: every setting with its default.</summary>
    public static Config Reference => ReferenceConfiguration.Config;

    /// <summary>The reference defaults with <paramref name="overrides"/> (HOCON text) on top.</summary>
    /// <exception cref="ConfigurationException">The text is not valid HOCON (an unclosed brace, say); the message names the line.</exception>
    public static Config FromString(string overrides) =>
        HoconText.Parse(overrides).WithFallback(Reference);

    /// <summary>The reference defaults with the file at <paramref name="path"/> on top (none: defaults only).</summary>
    public static Config Load(string? path) =>
        path is null ? Reference : FromString(File.ReadAllText(path));
}
