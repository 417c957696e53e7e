namespace ActorSmtp.Server.Configuration;

/// <summary>An invalid setting; <see cref="Key"/> is the full HOCON path, so the operator knows what to fix.</summary>
public sealed class SettingsException(string key, string problem, Exception? inner = null)
    : Exception($"Invalid setting {key}: {problem}", inner)
{
    public string Key { get; } = key;
}
