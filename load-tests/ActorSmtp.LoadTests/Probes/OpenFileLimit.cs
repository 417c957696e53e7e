using System.Globalization;

namespace ActorSmtp.LoadTests.Probes;

/// This process's RLIMIT_NOFILE soft limit, read from /proc/self/limits.
/// The shell that starts us raises it (`ulimit -n`); we only check, so a short limit fails
/// up front with advice instead of as thousands of EMFILE errors halfway through.
internal static class OpenFileLimit
{
    public static long Current()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
        return soft is null || soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
    }
}
