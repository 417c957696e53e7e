using System.Diagnostics;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Telemetry;

/// <summary>One sink supervisor's instruments, with its <c>sink</c> tag built once.</summary>
internal sealed class SinkMetrics(string sink)
{
    private readonly KeyValuePair<string, object?> _sink = new("sink", sink);
    private static readonly KeyValuePair<string, object?> Stored = new("result", "stored");
    private static readonly KeyValuePair<string, object?> Permanent = new("result", "permanent_failure");
    private static readonly KeyValuePair<string, object?> Temporary = new("result", "temporary_failure");
    private static readonly KeyValuePair<string, object?> NotSent = new("result", "unavailable");
    private static readonly KeyValuePair<string, object?> ClientAbandoned = new("result", "abandoned");

    /// <summary>
    /// A timestamp for the store latency, or 0 while nothing listens: reading the clock costs ~100 ns on some
    /// virtual machines, twice per message, so it is only done when the histogram is collected.
    /// </summary>
    public static long Now() => SmtpMetrics.SinkStoreDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>The sink answered a message it was given at <paramref name="started"/> (see <see cref="Now"/>).</summary>
    public void Answered(long started, SinkProtocol.Result result)
    {
        if (started != 0)
            SmtpMetrics.SinkStoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _sink);
        var (outcome, code) = result switch
        {
            SinkProtocol.Stored => (Stored, 250),
            SinkProtocol.Abandoned => (ClientAbandoned, 0), // the connection made its own reply (552, 550) or had no one to tell
            SinkProtocol.PermanentFailure { Code: >= 500 and <= 599 } p => (Permanent, p.Code),
            SinkProtocol.PermanentFailure => (Permanent, 451), // an invalid code: the client gets 451
            SinkProtocol.TemporaryFailure { Code: >= 400 and <= 499, ReplyText: not null } t => (Temporary, t.Code),
            _ => (Temporary, 451),
        };
        SmtpMetrics.SinkResults.Add(1, _sink, outcome, SmtpMetrics.CodeTag(code));
    }

    /// <summary>A message the sink took but did not answer in time, or lost in a crash.</summary>
    public void Failed() => SmtpMetrics.SinkResults.Add(1, _sink, Temporary, SmtpMetrics.CodeTag(451));

    /// <summary>A message the sink was not given: restarting, or its circuit is open.</summary>
    public void Unavailable() => SmtpMetrics.SinkResults.Add(1, _sink, NotSent, SmtpMetrics.CodeTag(451));
}
