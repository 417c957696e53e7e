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

    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>The sink answered a message it was given at <paramref name="started"/>.</summary>
    public void Answered(long started, SinkProtocol.Result result)
    {
        SmtpMetrics.SinkStoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _sink);
        SmtpMetrics.SinkResults.Add(1, _sink, result switch
        {
            SinkProtocol.Stored => Stored,
            SinkProtocol.PermanentFailure => Permanent,
            _ => Temporary,
        });
    }

    /// <summary>A message the sink took but did not answer in time, or lost in a crash.</summary>
    public void Failed() => SmtpMetrics.SinkResults.Add(1, _sink, Temporary);

    /// <summary>A message the sink was not given: restarting, or its circuit is open.</summary>
    public void Unavailable() => SmtpMetrics.SinkResults.Add(1, _sink, NotSent);
}
