using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Sinks;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Server.Telemetry;

/// <summary>
/// What one connection reports: the session counters and the one structured line at its end, the message
/// metrics, limit hits, and (when <see cref="TraceSettings"/> selects the session) a trace of every command and
/// reply. The trace never shows an AUTH payload (the mechanism only) nor a message body (only command lines
/// pass through here).
/// </summary>
internal sealed class SessionTelemetry
{
    private static readonly KeyValuePair<string, object?> MaxRecipients = SmtpMetrics.Limit("max-recipients");
    private static readonly KeyValuePair<string, object?> MaxMessageSize = SmtpMetrics.Limit("max-message-size");
    private static readonly KeyValuePair<string, object?> MaxErrors = SmtpMetrics.Limit("max-errors");
    private static readonly KeyValuePair<string, object?> Timeout = SmtpMetrics.Limit("timeout");
    private static readonly KeyValuePair<string, object?> MessageRate = SmtpMetrics.Limit("message-rate-per-client");
    private static readonly KeyValuePair<string, object?> RecipientRate = SmtpMetrics.Limit("recipient-rate-per-client");
    private static readonly KeyValuePair<string, object?> AuthRate = SmtpMetrics.Limit("auth-rate-per-client");
    private static readonly KeyValuePair<string, object?> TlsSessionRate = SmtpMetrics.Limit("tls-session-rate-per-client");

    private readonly ILoggingAdapter _log;
    private readonly ILogger? _sessionLogger;
    private readonly ILogger? _traceLogger;
    private readonly HostReplies _replies;
    private readonly bool _trace;
    private readonly bool _logSession;
    private readonly string _id;
    private readonly long _started = Environment.TickCount64; // milliseconds are enough, and far cheaper than Stopwatch here
    private readonly IPEndPoint _client;
    private int _messages;
    private long _bytes;
    private int _lastReply;

    private SessionTelemetry(string id, ILoggingAdapter log, HostReplies replies, SmtpTelemetry telemetry, IPEndPoint local, IPEndPoint remote)
    {
        _id = id;
        var settings = telemetry.Settings;
        _log = log;
        _sessionLogger = telemetry.SessionLogger;
        _traceLogger = telemetry.TraceLogger;
        _replies = replies;
        _client = remote;
        _trace = settings.Trace.Applies(local, remote);
        _logSession = settings.LogSessions;
        SmtpMetrics.SessionStarted();
    }

    /// <summary>Called once the connection actor has its socket; <paramref name="id"/> names the session in the log and trace.</summary>
    public static SessionTelemetry Start(string id, IActorContext context, ILoggingAdapter log, HostReplies replies, IPEndPoint local, IPEndPoint remote) =>
        new(id, log, replies, SmtpTelemetry.Get(context.System), local, remote);

    /// <summary>A command line about to be executed; <paramref name="authResponse"/>: it answers an AUTH challenge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Command(LineStatus status, in ReadOnlySequence<byte> line, bool authResponse)
    {
        if (_trace)
            TraceCommand(status, line, authResponse);
    }

    /// <summary>A reply written to the client.</summary>
    public void Replied(SmtpReply reply)
    {
        _lastReply = reply.Code;
        if (reply.Code is 421 or 450 or 452 or 552)
            CountLimit(reply);
        if (_trace)
            Trace("S: {Line}", Encoding.ASCII.GetString(reply.Bytes.Span).TrimEnd());
    }

    /// <summary>A message stored: the "250 ... queued as" reply (written without an <see cref="SmtpReply"/>) and its size.</summary>
    public void Queued(ReadOnlySpan<byte> reply, long size)
    {
        _lastReply = 250;
        if (_trace)
            Trace("S: {Line}", Encoding.ASCII.GetString(reply).TrimEnd());
        MessageFinished(250, size);
    }

    /// <summary>A message's end: the reply code the client got after DATA, and the body's size.</summary>
    public void MessageFinished(int code, long size)
    {
        if (code < 400)
            _messages++;
        _bytes += size;
        SmtpMetrics.MessageFinished(code, size);
    }

    /// <summary>An implicit-TLS connection closed before its handshake (tls-session-rate-per-client): no reply says so.</summary>
    public void TlsSessionRefused() => RateLimited("TLS", TlsSessionRate);

    public void AuthVerdict(string? identity)
    {
        if (identity is null)
            SmtpMetrics.AuthFailed();
    }

    /// <summary>The session is over: the session metrics and the one line that sums it up.</summary>
    public void End(SmtpSession session, TlsInfo? tls)
    {
        SmtpMetrics.SessionEnded(tls is not null, session.AuthenticatedAs is not null);
        if (!_logSession)
            return;
        const string template =
            "session {SessionId} ended: client {Client} helo {Helo} tls {Tls} auth {AuthenticatedAs} messages {Messages} bytes {Bytes} duration {DurationMs} ms last reply {LastReply}";
        if (_sessionLogger is null ? !_log.IsInfoEnabled : !_sessionLogger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
            return;
        var values = new object[]
        {
            _id, _client.ToString(), session.HeloName ?? "-", tls?.Protocol ?? "none", session.AuthenticatedAs ?? "-",
            _messages, _bytes, Environment.TickCount64 - _started, _lastReply,
        };
        if (_sessionLogger is not null)
            _sessionLogger.LogInformation(template, values);
        else
            _log.Info(template, values);
    }

    private void CountLimit(SmtpReply reply)
    {
        if (ReferenceEquals(reply, StandardReplies.TooManyRecipients))
            SmtpMetrics.LimitHit(MaxRecipients);
        else if (ReferenceEquals(reply, StandardReplies.MessageTooBig))
            SmtpMetrics.LimitHit(MaxMessageSize);
        else if (ReferenceEquals(reply, _replies.TooManyErrors))
            SmtpMetrics.LimitHit(MaxErrors);
        else if (ReferenceEquals(reply, _replies.Timeout))
            SmtpMetrics.LimitHit(Timeout);
        else if (ReferenceEquals(reply, StandardReplies.MessageRateExceeded))
            RateLimited("MAIL", MessageRate);
        else if (ReferenceEquals(reply, StandardReplies.RecipientRateExceeded))
            RateLimited("RCPT", RecipientRate);
        else if (ReferenceEquals(reply, StandardReplies.AuthRateExceeded))
            RateLimited("AUTH", AuthRate);
        else if (ReferenceEquals(reply, _replies.TlsSessionRateExceeded))
            RateLimited("STARTTLS", TlsSessionRate);
    }

    /// <summary>A per-client rate refused a command: worth a warning, as Postfix logs it (a sign of brute forcing or a loop).</summary>
    private void RateLimited(string what, KeyValuePair<string, object?> limit)
    {
        SmtpMetrics.LimitHit(limit);
        _log.Warning("Refusing {0} from {1}: {2} reached", what, _client, limit.Value);
    }

    private void TraceCommand(LineStatus status, in ReadOnlySequence<byte> line, bool authResponse)
    {
        if (status != LineStatus.Line)
        {
            Trace("C: <{Status}>", status.ToString());
            return;
        }
        Trace("C: {Line}", authResponse ? "<AUTH response redacted>" : Redacted(Encoding.UTF8.GetString(line)));
    }

    /// <summary>"AUTH PLAIN dGVzdA..." → "AUTH PLAIN &lt;redacted&gt;": the initial response carries the credentials (RFC 4954 §4).</summary>
    internal static string Redacted(string line)
    {
        line = line.TrimEnd('\r', '\n');
        if (!line.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) || (line.Length > 4 && line[4] != ' '))
            return line;
        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length <= 2 ? line : $"{parts[0]} {parts[1]} <redacted>";
    }

    private void Trace(string template, string text)
    {
        if (_traceLogger is not null)
            _traceLogger.LogInformation("{SessionId} {Client} " + template, _id, _client.ToString(), text);
        else
            _log.Info("trace {SessionId} {Client} " + template, _id, _client.ToString(), text);
    }
}
