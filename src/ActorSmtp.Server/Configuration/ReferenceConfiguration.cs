using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>hocon/actorsmtp.reference.conf, embedded: every setting with its default, and so every key there is.</summary>
internal static class ReferenceConfiguration
{
    private static readonly Lazy<Config> Parsed = new(() =>
    {
        using var stream = typeof(ReferenceConfiguration).Assembly.GetManifestResourceStream("ActorSmtp.reference.conf")
            ?? throw new InvalidOperationException("The embedded ActorSmtp.reference.conf is missing from the build.");
        using var reader = new StreamReader(stream);
        return HoconText.Parse(reader.ReadToEnd());
    });

    public static Config Config => Parsed.Value;
}
