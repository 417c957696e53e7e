using System.Runtime.InteropServices;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE), read and raised through libc, and the descriptors it has
/// open. Linux and macOS on 64 bits (where rlim_t is 64 bits wide); elsewhere nothing is known or changed.
/// </summary>
internal static class OpenFileLimit
{
    /// <summary>The soft and hard limit, or null where they cannot be read; <see cref="long.MaxValue"/> means unlimited.</summary>
    public static (long Soft, long Hard)? Read()
    {
        if (Resource() is not { } resource || getrlimit(resource, out var limit) != 0)
            return null;
        return (Clamp(limit.Current), Clamp(limit.Maximum));
    }

    /// <summary>
    /// Raises the soft limit to the hard one, which any process may do (setrlimit(2)): many systems start
    /// services with a soft limit of 1024 and a far higher hard one. Returns the limits before, or null when
    /// nothing changed.
    /// </summary>
    public static (long Soft, long Hard)? RaiseToHard()
    {
        if (Resource() is not { } resource || getrlimit(resource, out var limit) != 0 || limit.Current >= limit.Maximum)
            return null;
        var before = (Clamp(limit.Current), Clamp(limit.Maximum));
        // macOS refuses a soft limit above OPEN_MAX when the hard one is unlimited: then it stays as it was.
        return setrlimit(resource, limit with { Current = limit.Maximum }) == 0 ? before : null;
    }

    /// <summary>Descriptors this process has open now, or null where that cannot be counted.</summary>
    public static int? CountOpen()
    {
        var directory = OperatingSystem.IsLinux() ? "/proc/self/fd" : OperatingSystem.IsMacOS() ? "/dev/fd" : null;
        try
        {
            return directory is null ? null : Directory.GetFileSystemEntries(directory).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    // RLIMIT_NOFILE: 7 on Linux (every architecture .NET runs on), 8 on macOS and the BSDs.
    private static int? Resource() => !Environment.Is64BitProcess ? null
        : OperatingSystem.IsLinux() ? 7
        : OperatingSystem.IsMacOS() ? 8
        : null;

    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Current, ulong Maximum);

#pragma warning disable SYSLIB1054 // DllImport keeps this file free of unsafe code and source generation, as the file sink's.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out ResourceLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in ResourceLimit limit);
#pragma warning restore SYSLIB1054
}
