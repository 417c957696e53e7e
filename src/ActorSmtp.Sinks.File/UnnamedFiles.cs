using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// Linux's unnamed temporary files in one directory: <c>openat(directory, O_TMPFILE)</c> creates a file with
/// no name, and <c>linkat</c> gives it its final name once it is complete and flushed.
/// </summary>
/// <remarks>
/// <para>
/// Against a hidden temporary name and <c>rename</c>: no temporary entry is added to and removed from the
/// directory (on this box's ext4 the directory lookups and updates were a third of the file sink's kernel
/// time), and a crash leaves nothing behind — a file that never got its name is freed with its last
/// descriptor. The name still appears atomically, on a complete file.
/// </para>
/// <para>
/// The directory stays open, and every call names files relative to it, so no call walks the directory's
/// path again. A file is linked through its own descriptor (<c>AT_EMPTY_PATH</c>) where the kernel lets
/// this process do so, else through <c>/proc/self/fd/N</c>, which costs a path walk through /proc
/// (together about 4 % of the sink's CPU per small message). <see cref="TryOpen"/> tries both once; file
/// systems or kernels without O_TMPFILE, and systems without either way to link, keep named temporaries.
/// </para>
/// </remarks>
internal sealed class UnnamedFiles : IDisposable
{
    private const int ReadOnly = 0;
    private const int WriteOnly = 0x1;
    private const int CloseOnExec = 0x80000;
    private const int TmpFileFlag = 0x400000; // __O_TMPFILE; O_TMPFILE is this plus O_DIRECTORY
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: link the descriptor itself
    private const int FollowSymlink = 0x400; // AT_SYMLINK_FOLLOW: link what /proc/self/fd/N points to
    private const int ReadWriteForAll = 0b110_110_110; // 0666, less the umask, as File.OpenHandle creates

    private const int EmptyPathStat = 0x1000; // AT_EMPTY_PATH for statx: the descriptor itself
    private const uint InodeNumber = 0x100; // STATX_INO (the device is always filled in)

    private readonly SafeFileHandle _directory;
    private readonly string _directoryPath;
    private readonly (uint Major, uint Minor, ulong Inode)? _identity;
    private bool _throughProc;

    private UnnamedFiles(SafeFileHandle directory, string directoryPath)
    {
        _directory = directory;
        _directoryPath = directoryPath;
        _identity = Identity(directory);
    }

    /// <summary>
    /// True while the path still names the directory this holds open. Issue 15 §0c: deleted and recreated,
    /// the open directory is the deleted one (every create fails); with a volume mounted over it, it is the
    /// hidden one underneath, where linked files are out of the user's sight and the directory fsync by path
    /// flushes another file system. The device and inode of the path against those of the descriptor tell.
    /// </summary>
    /// <remarks>Where statx(2) is missing (glibc before 2.28, Linux before 4.11) nothing can be told, and it says true.</remarks>
    public bool IsStillAt() => _identity is not { } held || Identity(_directoryPath) == held;

    /// <summary>Unnamed files for <paramref name="directory"/>, or null where they cannot be created and linked there.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="linkDescriptors">False to link through /proc even where AT_EMPTY_PATH works (for specs).</param>
    public static UnnamedFiles? TryOpen(string directory, bool linkDescriptors = true)
    {
        var directoryOnly = DirectorySync.DirectoryOnly();
        if (!OperatingSystem.IsLinux() || directoryOnly == 0)
            return null;
        var fd = open(directory, ReadOnly | directoryOnly | CloseOnExec);
        if (fd < 0)
            return null;
        var files = new UnnamedFiles(new SafeFileHandle(fd, ownsHandle: true), directory);
        if (files.Probe(linkDescriptors))
            return files;
        files.Dispose();
        return null;
    }

    /// <summary>A new file without a name in the directory, open for writing.</summary>
    public SafeFileHandle Create()
    {
        var fd = openat(_directory, ".", TmpFileFlag | DirectorySync.DirectoryOnly() | WriteOnly | CloseOnExec, ReadWriteForAll);
        if (fd < 0)
            throw DirectorySync.Failure("open(O_TMPFILE)", _directoryPath);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Gives the open unnamed <paramref name="file"/> the name <paramref name="name"/> in the directory; fails if the name exists.</summary>
    public void Link(SafeFileHandle file, string name)
    {
        if (!IsStillAt())
            throw new IOException($"{_directoryPath} is no longer the directory the file sink opened (deleted, recreated or mounted over)");
        var linked = _throughProc
            ? linkat(CurrentDirectory, $"/proc/self/fd/{file.DangerousGetHandle()}", _directory, name, FollowSymlink)
            : linkat(file, "", _directory, name, EmptyPath);
        if (linked != 0)
            throw DirectorySync.Failure("linkat", Path.Combine(_directoryPath, name));
    }

    /// <summary>How files are linked: through their own descriptor, or through /proc/self/fd.</summary>
    internal bool LinksThroughProc => _throughProc;

    public void Dispose() => _directory.Dispose();

    // Links a probe file both ways, the cheaper one first: AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH on
    // most kernels (ENOENT without it).
    private bool Probe(bool linkDescriptors)
    {
        foreach (var throughProc in linkDescriptors ? new[] { false, true } : [true])
        {
            _throughProc = throughProc;
            var name = $".unnamed-file-probe-{Guid.NewGuid():N}";
            try
            {
                using var file = Create();
                Link(file, name);
                System.IO.File.Delete(Path.Combine(_directoryPath, name));
                return true;
            }
            catch (IOException)
            {
                // O_TMPFILE refused, or this way of linking: try the next, if any.
            }
        }
        return false;
    }

    // struct statx (linux/stat.h) is the same on every architecture: stx_ino at 32, stx_dev_major/minor at 136/140.
    private static (uint, uint, ulong)? Identity(SafeFileHandle directory) =>
        Identity(buffer => statx(directory, "", EmptyPathStat, InodeNumber, buffer));

    private static (uint, uint, ulong)? Identity(string path) =>
        Identity(buffer => statx(CurrentDirectory, path, 0, InodeNumber, buffer));

    private static (uint, uint, ulong)? Identity(Func<byte[], int> stat)
    {
        var buffer = new byte[256];
        try
        {
            if (stat(buffer) != 0)
                return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        return (BitConverter.ToUInt32(buffer, 136), BitConverter.ToUInt32(buffer, 140), BitConverter.ToUInt64(buffer, 32));
    }

#pragma warning disable SYSLIB1054 // DllImport keeps this file free of unsafe code and source generation.
    [DllImport("libc", SetLastError = true)]
    private static extern int statx(SafeFileHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    // SafeHandles, not raw numbers: a call racing Dispose fails instead of reaching whatever reuses the number.
    [DllImport("libc", SetLastError = true)]
    private static extern int openat(SafeFileHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int linkat(
        SafeFileHandle oldDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        SafeFileHandle newDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int linkat(
        int oldDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        SafeFileHandle newDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, int flags);
#pragma warning restore SYSLIB1054
}
