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
        var startFailure = new StartFailure();

        // No defaults: configuration is HOCON, and the default appsettings reload would watch the working
        // directory recursively, paying for every file the file sink creates there (measured: most of its CPU).
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var mailbox = MailboxHosting.Enabled(config) ? MailboxHosting.Part(config, settings, startFailure.Record) : null; // checked by TryLoad
        if (!Http.HttpHosting.TryAdd(builder.Services, config, settings, mailbox)) return InvalidConfiguration;
        builder.Logging.ClearProviders();
        // One line per entry, written in batches: the session line alone made the stock console logger a
        // third of the CPU per connection (see ConsoleLineWriter).
        builder.Logging.AddProvider(new LineConsoleLoggerProvider(new ConsoleLineWriter(Console.OpenStandardOutput())));
        // The host must wait for the drain (CoordinatedShutdown's service-requests-done) and what follows it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Protection.ShutdownGrace + TimeSpan.FromSeconds(30));
        builder.Services.AddHostedService<ShutdownSignals>(); // SIGINT during shutdown cuts the grace short
        builder.Services.AddAkka("actorsmtp", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend)
                .AddHocon(ShutdownSignals.AkkaConfig, HoconAddMode.Prepend); // signals are the host's
            // actorsmtp.cluster as Akka settings and the node's cluster part; a single node does not load ActorSmtp.Cluster.
            var cluster = settings.ClusterEnabled ? akka.WithActorSmtpCluster(config) : null;
            akka.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = LogLevel.InfoLevel;
                    loggers.ClearLoggers();
                    loggers.AddLogger<AkkaLogBridge>(); // the message alone, under the logging class's category
                })
                .WithActorSmtp(settings, startFailure.Record, cluster);
        });

        // After the actor system (hosted services start in order): the mailbox follows the file sink's events.
        if (mailbox is not null)
            builder.Services.AddSingleton<IHostedService>(mailbox.Service);

        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellation);
            return startFailure.Report(Console.Error) ? InvalidConfiguration : 0; // e.g. an endpoint already in use
        }
        catch (Exception ex)
        {
            // The first failure is the cause: a listener that could not bind stops the actor system, and the mailbox,
            // starting after it, then fails for want of one ("cannot create child while terminating").
            if (!startFailure.Report(Console.Error))
                Console.Error.WriteLine($"actorsmtp: {StartFailure.Describe(ex)}"); // a hosted service that failed to start (the metrics port)
            return InvalidConfiguration;
        }
    }

    private static bool TryLoad(FileInfo? file, out Config config, out ActorSmtpSettings settings)
    {
        var loaded = Cli.CheckedConfiguration.Load(file, Console.Error); // what check-config checks, too
        config = loaded?.Config ?? Config.Empty;
        settings = loaded?.Settings!;
        return loaded is not null;
    }
}
