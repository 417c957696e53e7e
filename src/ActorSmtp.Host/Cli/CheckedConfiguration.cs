using Akka.Configuration;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Telemetry;

namespace ActorSmtp.Host.Cli;

/// <summary>
/// The configuration both <c>run</c> and <c>check-config</c> start from, checked as far as it can be without binding
/// a socket: the HOCON syntax, every key and value (<see cref="ActorSmtpSettings.FromConfig"/>: endpoints, users,
/// routes, each sink's own block; <c>actorsmtp.cluster</c> and <c>actorsmtp.mailbox</c> when on), the metrics and trace settings, and the
/// configured certificate files, loaded.
/// A self-signed certificate is left alone: checking it would create it.
/// </summary>
internal sealed record CheckedConfiguration(Config Config, ActorSmtpSettings Settings)
{
    /// <summary>The checked configuration, or null after one line on <paramref name="error"/> naming what is wrong.</summary>
    public static CheckedConfiguration? Load(FileInfo? file, TextWriter error)
    {
        try
        {
            var config = ActorSmtpConfig.Load(file?.FullName);
            var settings = ActorSmtpSettings.FromConfig(config, ShippedSinks.Catalog());
            if (settings.ClusterEnabled)
                ClusterHosting.Check(config);
            TelemetrySettings.FromConfig(config);
            if (MailboxHosting.Enabled(config))
                MailboxHosting.Check(config);
            CheckCertificates(settings);
            return new CheckedConfiguration(config, settings);
        }
        catch (SettingsException ex)
        {
            error.WriteLine($"actorsmtp: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"actorsmtp: cannot read {file?.FullName}: {ex.Message}");
        }
        catch (ConfigurationException ex)
        {
            error.WriteLine($"actorsmtp: {file?.FullName} is not valid HOCON: {ex.Message}");
        }
        return null;
    }

    private static void CheckCertificates(ActorSmtpSettings settings)
    {
        if (settings.Endpoints.All(e => e.Tls == EndpointTls.None) || settings.Tls.Default.IsEmpty)
            return;
        _ = new ActorSmtp.Server.Tls.CertificateStore(settings.Tls, settings.Hostname);
    }
}
