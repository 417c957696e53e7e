using System.Diagnostics.Metrics;

namespace ActorSmtp.Server.Telemetry;

/// <summary>
/// The server's instruments, on one static <see cref="Meter"/> named <see cref="MeterName"/>. Names start with
/// <c>actorsmtp.</c>; a Prometheus exporter shows <c>actorsmtp.messages.accepted</c> as
/// <c>actorsmtp_messages_accepted_total</c>.
/// </summary>
/// <remarks>
/// Hot path rules: a handful of calls per message or session, never per command or per byte; tags are pre-built
/// <see cref="KeyValuePair{TKey,TValue}"/>s (reply codes pre-boxed), so recording allocates nothing. Without a
/// listener (metrics off) each call is a check of an empty subscription list.
/// </remarks>
public static class SmtpMetrics
{
    public const string MeterName = "ActorSmtp";

    private static readonly Meter Meter = new(MeterName, typeof(SmtpMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> ConnectionsAccepted = Meter.CreateCounter<long>(
        "actorsmtp.connections.accepted", null, "Connections accepted (greeted).");
    internal static readonly UpDownCounter<long> ConnectionsActive = Meter.CreateUpDownCounter<long>(
        "actorsmtp.connections.active", null, "Connections open now.");
    internal static readonly Counter<long> ConnectionsRefused = Meter.CreateCounter<long>(
        "actorsmtp.connections.refused", null, "Connections refused at connect, by reason.");
    internal static readonly Counter<long> Sessions = Meter.CreateCounter<long>(
        "actorsmtp.sessions", null, "Sessions ended, by whether they used TLS and AUTH.");
    internal static readonly Counter<long> MessagesAccepted = Meter.CreateCounter<long>(
        "actorsmtp.messages.accepted", null, "Messages answered 250 (stored).");
    internal static readonly Counter<long> MessagesRejected = Meter.CreateCounter<long>(
        "actorsmtp.messages.rejected", null, "Messages refused for good after DATA (5xx), by reply code.");
    internal static readonly Counter<long> MessagesTemporarilyFailed = Meter.CreateCounter<long>(
        "actorsmtp.messages.temporarily_failed", null, "Messages refused for now after DATA (4xx), by reply code.");
    internal static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "actorsmtp.bytes.received", null, "Message bytes received (after dot-unstuffing), whatever the outcome.");
    internal static readonly Histogram<long> MessageSize = Meter.CreateHistogram(
        "actorsmtp.message.size", "By", "Size of the messages received.", tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });
    internal static readonly Histogram<double> SinkStoreDuration = Meter.CreateHistogram(
        "actorsmtp.sink.store.duration", "s", "Time a sink took to answer a message, by sink.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    internal static readonly Counter<long> SinkResults = Meter.CreateCounter<long>(
        "actorsmtp.sink.results", null, "Answers per sink and reply code: stored, permanent_failure, temporary_failure (errors, timeouts, crashes), unavailable (restarting or circuit open).");
    internal static readonly Counter<long> TlsHandshakeFailures = Meter.CreateCounter<long>(
        "actorsmtp.tls.handshake_failures", null, "TLS handshakes that failed or timed out.");
    internal static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>(
        "actorsmtp.auth.failures", null, "AUTH attempts with wrong credentials.");
    internal static readonly Counter<long> LimitHits = Meter.CreateCounter<long>(
        "actorsmtp.limits.hits", null, "Limits reached, by limit.");
    internal static readonly Counter<long> AuthResults = Meter.CreateCounter<long>(
        "actorsmtp.auth_results", null, "Sender authentication results (actorsmtp.authentication, dnsbl), by method (spf, dkim, dmarc, arc, dnsbl) and result.");
    internal static readonly Counter<long> FaultsInjected = Meter.CreateCounter<long>(
        "actorsmtp.faults.injected", null, "Faults injected on purpose (actorsmtp.faults), by stage and action.");

    private static readonly object[] Codes = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();
    private static readonly KeyValuePair<string, object?>[] SessionTags =
    [
        new("tls", false), new("auth", false),
        new("tls", true), new("auth", false),
        new("tls", false), new("auth", true),
        new("tls", true), new("auth", true),
    ];

    /// <summary>The <c>code</c> tag for an SMTP reply code, its value boxed once.</summary>
    internal static KeyValuePair<string, object?> CodeTag(int code) => new("code", Codes[Math.Clamp(code, 0, 599)]);

    /// <summary>A limit's tag for <see cref="LimitHit"/>; build it once, keep it in a static field.</summary>
    public static KeyValuePair<string, object?> Limit(string name) => new("limit", name);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (KeyValuePair<string, object?> Reason, KeyValuePair<string, object?> Limit)> RefusalTags = new();

    /// <summary>
    /// A connection refused at connect because a limit was reached (<paramref name="limit"/>: e.g. "max-connections"):
    /// counts <c>actorsmtp.connections.refused{reason}</c> and <c>actorsmtp.limits.hits{limit}</c>.
    /// </summary>
    public static void ConnectionRefused(string limit)
    {
        var tags = RefusalTags.GetOrAdd(limit, static l => (new("reason", l), new("limit", l)));
        ConnectionsRefused.Add(1, tags.Reason);
        LimitHits.Add(1, tags.Limit);
    }

    public static void LimitHit(KeyValuePair<string, object?> limit) => LimitHits.Add(1, limit);

    /// <summary>An injected fault (actorsmtp.faults): rare by nature, so its tags are built per call.</summary>
    internal static void FaultInjected(string stage, string action) =>
        FaultsInjected.Add(1, new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("action", action));

    public static void TlsHandshakeFailed() => TlsHandshakeFailures.Add(1);

    public static void AuthFailed() => AuthFailures.Add(1);

    internal static void SessionStarted()
    {
        ConnectionsAccepted.Add(1);
        ConnectionsActive.Add(1);
    }

    internal static void SessionEnded(bool tls, bool auth)
    {
        ConnectionsActive.Add(-1);
        var i = (tls ? 2 : 0) + (auth ? 4 : 0);
        Sessions.Add(1, SessionTags[i], SessionTags[i + 1]);
    }

    /// <summary>A message's end: the reply the client got after DATA and the body's size. Three instrument calls.</summary>
    internal static void MessageFinished(int code, long size)
    {
        BytesReceived.Add(size);
        MessageSize.Record(size);
        if (code < 400)
            MessagesAccepted.Add(1);
        else if (code < 500)
            MessagesTemporarilyFailed.Add(1, CodeTag(code));
        else
            MessagesRejected.Add(1, CodeTag(code));
    }
}
