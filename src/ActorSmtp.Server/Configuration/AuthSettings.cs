using ActorSmtp.Server.Auth;

namespace ActorSmtp.Server.Configuration;

/// <summary><c>actorsmtp.auth</c>: who may authenticate and how failures are handled (RFC 4954).</summary>
/// <param name="Authenticator">A custom authenticator actor type, or null for the configured users.</param>
/// <param name="Config">The <c>actorsmtp.auth</c> block, handed to a custom authenticator.</param>
public sealed record AuthSettings(
    IReadOnlyDictionary<string, string> Users, bool AllowInsecureAuth, int MaxFailures, TimeSpan FailureDelay,
    Type? Authenticator, Akka.Configuration.Config Config)
{
    internal static AuthSettings From(ConfigReader auth)
    {
        var users = ReadUsers(auth);
        var typeName = auth.Config.HasPath("authenticator") ? auth.String("authenticator") : "";
        return new AuthSettings(users, auth.Config.HasPath("allow-insecure-auth") && auth.Bool("allow-insecure-auth"),
            auth.Int("max-failures", min: 1), auth.Duration("failure-delay", TimeSpan.Zero),
            typeName.Length == 0 ? null : ResolveAuthenticator(typeName, auth.Key("authenticator"), auth.Config), auth.Config);
    }

    /// <summary>The <c>users</c> list of an auth block (also <c>actorsmtp.mailbox.auth</c>): name → password hash, each hash checked.</summary>
    internal static IReadOnlyDictionary<string, string> ReadUsers(ConfigReader auth)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!auth.Config.HasPath("users"))
            return users;
        var items = auth.Config.GetValue("users").GetArray();
        for (var i = 0; i < items.Count; i++)
        {
            var user = new ConfigReader(new Akka.Configuration.Config(new Akka.Configuration.Hocon.HoconRoot(items[i])), auth.Key($"users[{i}]"));
            var hash = user.String("password-hash");
            if (!PasswordHash.IsWellFormed(hash))
                throw new SettingsException(user.Key("password-hash"), "not a hash from `actorsmtp hash-password` (never a plaintext password)");
            users[user.String("name")] = hash;
        }
        return users;
    }

    private static Type ResolveAuthenticator(string typeName, string key, Akka.Configuration.Config config)
    {
        var type = Type.GetType(typeName, throwOnError: false);
        if (type is null || !typeof(ActorSmtp.Authentication.AuthenticatorActor).IsAssignableFrom(type)
            || type.GetConstructor([typeof(Akka.Configuration.Config)]) is null)
            throw new SettingsException(key, $"'{typeName}' must name an AuthenticatorActor with a public constructor taking Akka.Configuration.Config");
        ConfigValidation.Run(type, config, key[..key.LastIndexOf('.')]);
        return type;
    }
}
