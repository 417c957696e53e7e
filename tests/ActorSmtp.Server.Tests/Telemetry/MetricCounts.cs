using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorSmtp.Server.Telemetry;

namespace ActorSmtp.Server.Tests.Telemetry;

/// <summary>
/// The server's counters as a test sees them, by "name|tag=value|…". The meter is process-wide and other tests run
/// alongside, so a test checks that a count moved by at least what it caused.
/// </summary>
public sealed class MetricCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public MetricCounts()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SmtpMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
                key += $"|{tag.Key}={tag.Value}";
            _counts.AddOrUpdate(key, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    public long this[string key] => _counts.GetValueOrDefault(key);

    public void Dispose() => _listener.Dispose();
}
