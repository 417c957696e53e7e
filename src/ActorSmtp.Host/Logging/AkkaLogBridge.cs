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

    private readonly Dictionary<Type, ILogger> _loggers = [];

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
        if (!_loggers.TryGetValue(logEvent.LogClass, out var logger))
            _loggers[logEvent.LogClass] = logger = _factory.CreateLogger(logEvent.LogClass.FullName ?? logEvent.LogClass.Name);
        var level = LevelOf(logEvent.LogLevel());
        if (logger.IsEnabled(level))
            logger.Log(level, default, logEvent, logEvent.Cause, static (entry, _) => entry.Message?.ToString() ?? "");
    }

    internal static Microsoft.Extensions.Logging.LogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
