using System.Globalization;

namespace ActorSmtp.LoadTests.Probes;

/// Memory figures of another process, read from Linux's /proc (proc(5)).
internal static class ProcessMemory
{
    /// Resident set size now, in KiB.
    public static long ResidentKb(int pid) => StatusKb(pid, "VmRSS:");

    /// Peak resident set size since start or since the last <see cref="ResetPeak"/>, in KiB.
    public static long PeakKb(int pid) => StatusKb(pid, "VmHWM:");

    /// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+); needs the same
    /// user or root. Returns false where that is not allowed, and the caller samples instead.
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// Largest VmRSS seen while <paramref name="until"/> runs, sampled every 20 ms.
    public static async Task<long> SamplePeakKbAsync(int pid, Task until)
    {
        long peak = ResidentKb(pid);
        while (!until.IsCompleted)
        {
            peak = Math.Max(peak, ResidentKb(pid));
            await Task.WhenAny(until, Task.Delay(20));
        }
        return Math.Max(peak, ResidentKb(pid));
    }

    /// Median of a few samples, so one GC or page-out does not decide a per-connection figure.
    public static async Task<long> SteadyResidentKbAsync(int pid, int samples = 5)
    {
        var values = new long[samples];
        for (int i = 0; i < samples; i++)
        {
            values[i] = ResidentKb(pid);
            await Task.Delay(200);
        }
        Array.Sort(values);
        return values[samples / 2];
    }

    private static long StatusKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line");
    }
}
