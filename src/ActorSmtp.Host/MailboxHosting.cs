using System.Runtime.CompilerServices;
using Akka.Configuration;
using ActorSmtp.Mailbox.Configuration;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Host;

/// <summary>
/// Wires ActorSmtp.Mailbox into the host, and with <see cref="MailboxPart"/> is the only place that names it. Called
/// only when <c>actorsmtp.mailbox.enabled = on</c>, so with it off nothing of the mailbox is loaded (nor SQLite).
/// </summary>
/// <remarks>Never inlined: the JIT resolves what an inlined method names while it compiles the caller.</remarks>
internal static class MailboxHosting
{
    private const string Section = $"{ActorSmtpSettings.Root}.mailbox";

    /// <summary><c>actorsmtp.mailbox.enabled</c>, read without loading the mailbox assembly.</summary>
    public static bool Enabled(Config config) => new ConfigReader(config.GetConfig(Section) ?? Config.Empty, Section).Bool("enabled");

    /// <summary>Reads and checks the rest of <c>actorsmtp.mailbox</c>; throws <see cref="SettingsException"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Check(Config config) => MailboxSettings.FromConfig(config);

    /// <summary>The mailbox as an HTTP part; it runs once the host adds its <see cref="Http.IHttpPart.Service"/> (after the actor system).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Http.IHttpPart Part(Config config, ActorSmtpSettings settings, Action<Exception> failed) =>
        new MailboxPart(MailboxSettings.FromConfig(config), settings, failed);
}
