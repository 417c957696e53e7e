using ActorSmtp.Server.Auth;

namespace ActorSmtp.Server.Configuration;

/// <summary><c>actorsmtp.auth</c>: who may authenticate and how failures are handled (RFC 4954).</summary>
public sealed record AuthSettings(
    IReadOnlyDictionary<string, string> Users, bool AllowInsecureAuth, int MaxFailures, TimeSpan FailureDelay)
{
    internal static AuthSettings From(ConfigReader auth)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (auth.Config.HasPath("users"))
        {
            var items = auth.Config.GetValue("users").GetArray();
            for (var i = 0; i < items.Count; i++)
            {
                var user = new ConfigReader(new Akka.Configuration.Config(new Akka.Configuration.Hocon.HoconRoot(items[i])), auth.Key($"users[{i}]"));
                var hash = user.String("password-hash");
                if (!PasswordHash.IsWellFormed(hash))
                    throw new SettingsException(user.Key("password-hash"), "not a hash from `actorsmtp hash-password` (never a plaintext password)");
                users[user.String("name")] = hash;
            }
        }
        return new AuthSettings(users, auth.Config.GetBoolean("allow-insecure-auth", false),
            auth.Int("max-failures", min: 1), auth.Duration("failure-delay", TimeSpan.Zero));
    }
}
