using System.Runtime.InteropServices;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// syncfs of a file system and fsync of a directory. The directory fsync which makes its entries (our renames) durable. Postfix (Venema, postfix-users
/// 2006-02-01): fsync of a file "breaks ... when fsync() does not update the parent directory".
/// .NET cannot open a directory as a stream, so this goes to libc.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;
    private const int InvalidArgument = 22; // EINVAL

    public static void Flush(string directory)
    {
        // Windows has no fsync for directories (NTFS journals its metadata itself), and on macOS a plain
        // fsync does not reach the platter anyway (that needs F_FULLFSYNC); only Linux is handled here.
        if (!OperatingSystem.IsLinux())
            return;
        var fd = open(directory, ReadOnly | DirectoryOnly() | CloseOnExec);
        if (fd < 0)
            throw Failure("open", directory);
        try
        {
            // Some file systems refuse fsync on a directory with EINVAL; there is nothing more to flush
            // then (PostgreSQL's fsync_fname_ext ignores it the same way).
            if (fsync(fd) != 0 && Marshal.GetLastPInvokeError() != InvalidArgument)
                throw Failure("fsync", directory);
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>syncfs(2) of the file system holding <paramref name="directory"/>; false where there is none (not Linux).</summary>
    public static bool FlushFileSystem(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        var fd = open(directory, ReadOnly | DirectoryOnly() | CloseOnExec);
        if (fd < 0)
            throw Failure("open", directory);
        try
        {
            if (syncfs(fd) != 0)
                throw Failure("syncfs", directory); // since Linux 5.8 it reports writeback errors
            return true;
        }
        finally
        {
            _ = close(fd);
        }
    }

    // O_DIRECTORY differs between Linux architectures (asm-generic 0x10000, arm/arm64/ppc 0x4000). It only
    // guards against opening a non-directory, so an unknown architecture goes without it.
    internal static int DirectoryOnly() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.S390x or Architecture.RiscV64 or Architecture.LoongArch64 => 0x10000,
        Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 or Architecture.Ppc64le => 0x4000,
        _ => 0,
    };

    /// <summary>The failed libc call as an exception, with errno's text; call it right after the call.</summary>
    internal static IOException Failure(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}({path}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

#pragma warning disable SYSLIB1054 // DllImport keeps this file free of unsafe code and source generation.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int syncfs(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
