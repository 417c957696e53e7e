using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// One descriptor held back for the moment the process runs out anyway (EMFILE at accept, when something
/// besides the connections used up the budget). Closing it lets the accept loop take the waiting
/// connection, answer it 421 4.3.2 and close it, instead of leaving it in the backlog where the client
/// waits unanswered (the reserve-descriptor idiom of libev and nginx). Unix only: elsewhere there is none.
/// </summary>
internal sealed class SpareDescriptor : IDisposable
{
    private SafeFileHandle? _spare = Open();

    /// <summary>Closes the spare; false when there was none to close.</summary>
    public bool TryRelease()
    {
        if (_spare is null)
            return false;
        _spare.Dispose();
        _spare = null;
        return true;
    }

    /// <summary>Takes the spare again, if a descriptor is free for it.</summary>
    public void Restore() => _spare ??= Open();

    public void Dispose() => _spare?.Dispose();

    private static SafeFileHandle? Open()
    {
        if (OperatingSystem.IsWindows())
            return null;
        try
        {
            return File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        }
        catch (IOException)
        {
            return null; // out of descriptors right now; Restore tries again
        }
    }
}
