using System.Globalization;

namespace ActorSmtp.LoadTests.Scenarios;

/// Parses the human units used on the command line and in scenario files.
internal static class UnitText
{
    /// "512", "1k", "100KB", "1m", "100MiB", "2g": binary multiples (1k = 1024 bytes),
    /// the same convention as smtp-source's -l and HOCON's KiB/MiB.
    public static long ParseBytes(string text)
    {
        var (number, unit) = Split(text);
        long multiplier = unit.ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1L << 10,
            "m" or "mb" or "mib" => 1L << 20,
            "g" or "gb" or "gib" => 1L << 30,
            _ => throw new FormatException($"unknown size unit in '{text}' (use k, m or g)"),
        };
        return checked((long)(number * multiplier));
    }

    /// "250ms", "30s", "2m", "1h"; a bare number means seconds.
    public static TimeSpan ParseDuration(string text)
    {
        var (number, unit) = Split(text);
        return unit.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "" or "s" => TimeSpan.FromSeconds(number),
            "m" or "min" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            _ => throw new FormatException($"unknown duration unit in '{text}' (use ms, s, m or h)"),
        };
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30}g",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20}m",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10}k",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };

    public static string FormatDuration(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 == 0
            ? $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
            : $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    private static (double Number, string Unit) Split(string text)
    {
        var trimmed = text.Trim();
        int unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsLetter(trimmed[unitStart - 1]))
            unitStart--;
        if (!double.TryParse(trimmed.AsSpan(0, unitStart), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || number < 0)
            throw new FormatException($"'{text}' is not a non-negative number with an optional unit");
        return (number, trimmed[unitStart..]);
    }
}
