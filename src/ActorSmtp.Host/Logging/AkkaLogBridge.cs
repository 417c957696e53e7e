using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host.Logging;

/// <summary>
/// Akka.NET's logger in the executable: each Akka log event becomes one Microsoft.Extensions.Logging entry
/// under the category of the class that logged it (e.g. <c>ActorSmtp.Server.Listener.SmtpListenerActor</c>),
/// with the message alone. The console line has its own time and level, so Akka's own
/// <c>[INFO][time][thread][path]</c> prefix (which the stock bridge put inside the message) is left out.
/// </summary>
internal sealed class AkkaLogBridge : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory =
        DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();

    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent logEvent:
                Log(logEvent);
                return true;
            default:
                return false;
        }
    }

    private void Log(LogEvent logEvent)
    {
        if (IsSuperseded(logEvent))
            return;
        var category = CategoryOf(logEvent);
        if (!_loggers.TryGetValue(category, out var logger))
            _loggers[category] = logger = _factory.CreateLogger(category);
        var level = LevelOf(logEvent.LogLevel());
        if (logger.IsEnabled(level))
            logger.Log(level, default, logEvent, logEvent.Cause, static (entry, _) => entry.Message?.ToString() ?? "");
    }

    /// <summary>
    /// The logging class; for loggers made from a string (Akka.Cluster's, <c>system.Log</c>) Akka puts a
    /// placeholder class there, so the source string names it instead ("Cluster (akka://actorsmtp)" → "Akka.Cluster.Cluster").
    /// </summary>
    internal static string CategoryOf(LogEvent logEvent)
    {
        if (logEvent.LogClass != typeof(DummyClassForStringSources))
            return logEvent.LogClass.FullName ?? logEvent.LogClass.Name;
        var source = logEvent.LogSource ?? "";
        var name = source.Split(['(', ' '], 2)[0];
        return name switch
        {
            "" => "Akka",
            "Cluster" => "Akka.Cluster.Cluster",
            "remoting" => "Akka.Remote.Remoting",
            "remoting-terminator" => "Akka.Remote.RemotingTerminator",
            "ActorSystem" => "Akka.Actor.ActorSystem",
            _ when source.StartsWith("akka://", StringComparison.Ordinal) => "Akka.Actor.ActorSystem",
            _ => name,
        };
    }

    /// <summary>
    /// Akka.Cluster says "No seed-nodes configured, manual cluster join required" whenever akka.cluster.seed-nodes
    /// is empty — always, since ActorSmtp joins <c>actorsmtp.cluster.seed-nodes</c> itself and logs that instead
    /// (ClusterNode): the line would tell an operator the opposite of what happens.
    /// </summary>
    internal static bool IsSuperseded(LogEvent logEvent) =>
        logEvent.LogLevel() == Akka.Event.LogLevel.InfoLevel
        && logEvent.Message?.ToString()?.Contains("No seed-nodes configured, manual cluster join required", StringComparison.Ordinal) == true;

    internal static Microsoft.Extensions.Logging.LogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
