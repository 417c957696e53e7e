using System.Reflection;
using Akka.Configuration;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Configuration;

/// <summary>Runs a sink's or authenticator's own check of its block (<see cref="IValidatesConfig"/>), before any actor exists.</summary>
internal static partial class ConfigValidation
{
    private static readonly MethodInfo ValidateMethod = typeof(ConfigValidation).GetMethod(nameof(Validate), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <exception cref="SettingsException">The type refused its block; <paramref name="key"/> names the block.</exception>
    public static void Run(Type type, Config config, string key)
    {
        if (!typeof(IValidatesConfig).IsAssignableFrom(type))
            return;
        try
        {
            ValidateMethod.MakeGenericMethod(type).Invoke(null, [config]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } refused)
        {
            // Mostly a ConfigurationException; a FormatException from Akka's own readers ("soon" as a duration) says the same.
            throw new SettingsException(KeyNamed(refused.Message, config) is { } named ? $"{key}.{named}" : key, refused.Message, refused);
        }
    }

    /// <summary>The key a message names as `key` (the built-in sinks' habit), when the block has it.</summary>
    private static string? KeyNamed(string message, Config config) =>
        BacktickedKey().Match(message) is { Success: true } match && config.HasPath(match.Groups[1].Value) ? match.Groups[1].Value : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"`([A-Za-z0-9][A-Za-z0-9.-]*)`")]
    private static partial System.Text.RegularExpressions.Regex BacktickedKey();

    private static void Validate<T>(Config config) where T : IValidatesConfig => T.ValidateConfig(config);
}
