using System.Diagnostics;

namespace ActorSmtp.LoadTests.Statistics;

/// Stopwatch timestamps: monotonic and cheap, unlike DateTime.
internal static class Timestamps
{
    public static long Now => Stopwatch.GetTimestamp();

    public static long Microseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).Ticks / 10;

    public static long After(long start, TimeSpan offset) => start + (long)(offset.TotalSeconds * Stopwatch.Frequency);
}
