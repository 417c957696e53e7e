using Akka.Configuration;
using Akka.Hosting;
using ActorSmtp.Host.Logging;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = Akka.Event.LogLevel;

namespace ActorSmtp.Host;

/// <summary>`actorsmtp [--config FILE]`: validate the configuration, then run until stopped.</summary>
internal static class ServerCommand
{
    /// <summary>Exit code for a configuration that cannot be used; nothing has been bound yet.</summary>
    public const int InvalidConfiguration = 2;

    public static async Task<int> RunAsync(FileInfo? configFile, CancellationToken cancellation)
    {
        if (!TryLoad(configFile, out var config, out var settings))
            return InvalidConfiguration;

        // No defaults: configuration is HOCON, and the default appsettings reload would watch the working
        // directory recursively, paying for every file the file sink creates there (measured: most of its CPU).
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (!Telemetry.TelemetryHosting.TryAdd(builder.Services, config)) return InvalidConfiguration;
        builder.Logging.ClearProviders();
        // One line per entry, written in batches: the session line alone made the stock console logger a
        // third of the CPU per connection (see ConsoleLineWriter).
        builder.Logging.AddProvider(new LineConsoleLoggerProvider(new ConsoleLineWriter(Console.OpenStandardOutput())));
        // The host must wait for the drain (CoordinatedShutdown's service-requests-done) and what follows it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Protection.ShutdownGrace + TimeSpan.FromSeconds(30));
        builder.Services.AddHostedService<ShutdownSignals>(); // SIGINT during shutdown cuts the grace short
        builder.Services.AddAkka("actorsmtp", (akka, _) => akka
            .AddHocon(config, HoconAddMode.Prepend)
            .AddHocon(ShutdownSignals.AkkaConfig, HoconAddMode.Prepend) // signals are the host's
            .WithActorSmtpCluster(settings.Cluster) // actorsmtp.cluster as Akka settings; nothing when off
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaLogBridge>(); // the message alone, under the logging class's category
            })
            .WithActorSmtp(settings));

        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellation);
            return 0;
        }
        catch (Exception ex) when (Find<SettingsException>(ex) is { } invalid)
        {
            Console.Error.WriteLine($"actorsmtp: {invalid.Message}"); // found only while starting, e.g. an unreadable certificate
            return InvalidConfiguration;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException || ex.InnerException is System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"actorsmtp: cannot listen: {(ex.InnerException ?? ex).Message}");
            return 1;
        }
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T found)
                return found;
        return null;
    }

    private static bool TryLoad(FileInfo? file, out Config config, out ActorSmtpSettings settings)
    {
        config = Config.Empty;
        settings = null!;
        try
        {
            config = ActorSmtpConfig.Load(file?.FullName);
            settings = ActorSmtpSettings.FromConfig(config);
            return true;
        }
        catch (SettingsException ex)
        {
            Console.Error.WriteLine($"actorsmtp: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"actorsmtp: cannot read {file?.FullName}: {ex.Message}");
        }
        catch (ConfigurationException ex)
        {
            Console.Error.WriteLine($"actorsmtp: {file?.FullName} is not valid HOCON: {ex.Message}");
        }
        return false;
    }
}
