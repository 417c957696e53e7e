using Akka.Configuration;

namespace ActorSmtp.Sinks;

/// <summary>
/// A sink (or authenticator) that can check its HOCON block without doing anything with it. ActorSmtp calls
/// <see cref="ValidateConfig"/> before any actor exists, at start-up and in <c>check-config</c>, so a bad value
/// is exit 2 naming the key instead of a sink that fails when it is created.
/// </summary>
public interface IValidatesConfig
{
    /// <summary>Checks <paramref name="config"/> as the constructor would read it; creates, opens and connects nothing.</summary>
    /// <exception cref="ConfigurationException">The block cannot be used; the message names the key.</exception>
    static abstract void ValidateConfig(Config config);
}
