namespace ActorSmtp.TestSupport;

/// <summary>
/// A temporary working directory for runs of the real executable (<see cref="HostProcess"/>), with the
/// configuration files a test writes into it; deleted with everything in it at the end.
/// </summary>
public sealed class HostWorkspace(string prefix = "actorsmtp-host-") : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Writes <paramref name="hocon"/> to a file named <paramref name="name"/> here and returns its path.</summary>
    public string Config(string hocon, string name = "test.conf")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, hocon);
        return path;
    }

    /// <summary>Starts the executable with <paramref name="arguments"/> in this directory.</summary>
    public HostProcess Start(string arguments, int? openFileLimit = null) => HostProcess.Start(arguments, Directory, openFileLimit);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
