using Akka.Actor;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Telemetry;

/// <summary>
/// Per actor system: the telemetry settings connections read (trace, session log). Settings come from the system's configuration (the reference defaults when absent).
/// </summary>
public sealed class SmtpTelemetry : IExtension
{
    public SmtpTelemetry(ExtendedActorSystem system)
    {
        Settings = TelemetrySettings.FromConfig(system.Settings.Config.WithFallback(ReferenceConfiguration.Config));
        // Under Akka.Hosting with AddLoggerFactory, session lines go straight to Microsoft.Extensions.Logging with
        // their own categories; elsewhere (a plain ActorSystem, the TestKit) through Akka's logging.
        if (system.Settings.Setup.Get<LoggerFactorySetup>() is { HasValue: true } setup)
        {
            SessionLogger = setup.Value.LoggerFactory.CreateLogger("ActorSmtp.Session");
            TraceLogger = setup.Value.LoggerFactory.CreateLogger("ActorSmtp.Trace");
        }
    }

    /// <summary>Category ActorSmtp.Session: one line per session end; null without a logger factory.</summary>
    public ILogger? SessionLogger { get; }

    /// <summary>Category ActorSmtp.Trace: the protocol trace; null without a logger factory.</summary>
    public ILogger? TraceLogger { get; }

    public TelemetrySettings Settings { get; }

    public static SmtpTelemetry Get(ActorSystem system) => system.WithExtension<SmtpTelemetry, Provider>();

    private sealed class Provider : ExtensionIdProvider<SmtpTelemetry>
    {
        public override SmtpTelemetry CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
