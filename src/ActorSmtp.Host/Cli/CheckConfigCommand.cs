using Akka.Configuration;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Telemetry;

namespace ActorSmtp.Host.Cli;

/// <summary>
/// <c>actorsmtp check-config [--config FILE]</c>: validates the configuration as start-up would (settings, sink
/// types, AUTH hashes, certificate files, telemetry), binds nothing, and prints the effective <c>actorsmtp</c>
/// section with secrets masked. Exit 0, or 2 with the bad key named.
/// </summary>
internal static class CheckConfigCommand
{
    public static int Run(FileInfo? file, TextWriter output, TextWriter error)
    {
        Config config;
        try
        {
            config = ActorSmtpConfig.Load(file?.FullName);
            var settings = ActorSmtpSettings.FromConfig(config);
            TelemetrySettings.FromConfig(config);
            CheckCertificates(settings);
        }
        catch (SettingsException ex)
        {
            error.WriteLine($"actorsmtp: {ex.Message}");
            return ServerCommand.InvalidConfiguration;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"actorsmtp: cannot read {file?.FullName}: {ex.Message}");
            return ServerCommand.InvalidConfiguration;
        }
        catch (ConfigurationException ex)
        {
            error.WriteLine($"actorsmtp: {file?.FullName} is not valid HOCON: {ex.Message}");
            return ServerCommand.InvalidConfiguration;
        }
        output.Write(MaskedConfig.Render(config, ActorSmtpSettings.Root));
        error.WriteLine($"actorsmtp: configuration OK{(file is null ? " (defaults only)" : $" ({file.FullName})")}");
        return 0;
    }

    /// <summary>Loads configured certificate files (a self-signed one is left alone: checking it would create it).</summary>
    private static void CheckCertificates(ActorSmtpSettings settings)
    {
        if (settings.Endpoints.All(e => e.Tls == EndpointTls.None) || settings.Tls.Default.IsEmpty)
            return;
        _ = new ActorSmtp.Server.Tls.CertificateStore(settings.Tls, settings.Hostname);
    }
}
