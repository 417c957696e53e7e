using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host.Logging;

/// <summary>
/// The executable's console logging: one line per entry, in the simple console format
/// (<c>2026-11-28T21:47:14.123 info: Category[0] message</c>, UTC, newlines folded into spaces so that a
/// line is an entry), written in batches by a <see cref="ConsoleLineWriter"/>.
/// </summary>
internal sealed class LineConsoleLoggerProvider(ConsoleLineWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineConsoleLogger(categoryName, writer);

    /// <summary>Writes what is still queued; the host calls it when it is disposed.</summary>
    public void Dispose() => writer.Dispose();

    private sealed class LineConsoleLogger(string category, ConsoleLineWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                writer.Write(LogLine.Format(DateTime.UtcNow, logLevel, category, eventId.Id, formatter(state, exception), exception));
        }
    }
}

/// <summary>One log entry as a console line.</summary>
internal static class LogLine
{
    public static string Format(DateTime utc, LogLevel level, string category, int eventId, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture, stackalloc char[256],
            $"{utc:yyyy-MM-dd'T'HH:mm:ss.fff} {Abbreviation(level)}: {category}[{eventId}] {message}{(exception is null ? "" : " ")}{exception}\n");
        return line.AsSpan(0, line.Length - 1).ContainsAny('\r', '\n') ? Folded(line) : line;
    }

    private static string Folded(string line) =>
        line[..^1].Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ') + "\n";

    private static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
