using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// Linux's unnamed temporary files: <c>open(directory, O_TMPFILE)</c> creates a file with no name, and
/// <c>linkat</c> gives it its final name once it is complete and flushed.
/// </summary>
/// <remarks>
/// Against a hidden temporary name and <c>rename</c>: no temporary entry is added to and removed from the
/// directory (on this box's ext4 the directory lookups and updates were a third of the file sink's kernel
/// time), and a crash leaves nothing behind — a file that never got its name is freed with its last
/// descriptor. The name still appears atomically, on a complete file. <see cref="IsUsable"/> tries it once
/// per directory; file systems or kernels without O_TMPFILE, and systems without /proc, keep named
/// temporaries.
/// </remarks>
internal static class UnnamedFile
{
    private const int WriteOnly = 0x1;
    private const int CloseOnExec = 0x80000;
    private const int TmpFileFlag = 0x400000; // __O_TMPFILE; O_TMPFILE is this plus O_DIRECTORY
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int FollowSymlink = 0x400; // AT_SYMLINK_FOLLOW: link what /proc/self/fd/N points to
    private const int ReadWriteForAll = 0b110_110_110; // 0666, less the umask, as File.OpenHandle creates

    /// <summary>Whether unnamed files can be created in <paramref name="directory"/> and then linked there.</summary>
    public static bool IsUsable(string directory)
    {
        if (!OperatingSystem.IsLinux() || OpenFlags() == 0)
            return false;
        var probe = Path.Combine(directory, $".unnamed-file-probe-{Guid.NewGuid():N}");
        try
        {
            using var file = Create(directory);
            Link(file, probe);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            try
            {
                System.IO.File.Delete(probe);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A new file without a name in <paramref name="directory"/>, open for writing.</summary>
    public static SafeFileHandle Create(string directory)
    {
        var fd = open(directory, OpenFlags(), ReadWriteForAll);
        if (fd < 0)
            throw DirectorySync.Failure("open(O_TMPFILE)", directory);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Gives the open unnamed <paramref name="file"/> the name <paramref name="path"/>; fails if the name exists.</summary>
    public static void Link(SafeFileHandle file, string path)
    {
        // AT_EMPTY_PATH would link the descriptor itself but needs CAP_DAC_READ_SEARCH; the /proc path does not.
        if (linkat(CurrentDirectory, $"/proc/self/fd/{file.DangerousGetHandle()}", CurrentDirectory, path, FollowSymlink) != 0)
            throw DirectorySync.Failure("linkat", path);
    }

    // 0 where O_DIRECTORY is not known for the architecture: then unnamed files are not used.
    private static int OpenFlags()
    {
        var directoryOnly = DirectorySync.DirectoryOnly();
        return directoryOnly == 0 ? 0 : TmpFileFlag | directoryOnly | WriteOnly | CloseOnExec;
    }

#pragma warning disable SYSLIB1054 // DllImport keeps this file free of unsafe code and source generation.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int linkat(
        int oldDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        int newDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, int flags);
#pragma warning restore SYSLIB1054
}
