namespace ActorSmtp.TestSupport;

/// <summary>
/// A temporary working directory for runs of the real executable (<see cref="HostProcess"/>), with the
/// configuration files a test writes into it; deleted with everything in it at the end.
/// </summary>
public sealed class HostWorkspace(string prefix = "actorsmtp-host-") : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>
    /// Writes <paramref name="hocon"/> to a file named <paramref name="name"/> here and returns its path. The mailbox is
    /// on by default at 127.0.0.1:8025, and tests run side by side: a configuration that does not mention the mailbox
    /// and parses gets it turned off, as these tests ran before it existed (one that does not parse is left as it is:
    /// it is the test's subject). The mailbox's own tests of the executable configure it.
    /// </summary>
    public string Config(string hocon, string name = "test.conf")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, hocon.Contains("mailbox", StringComparison.Ordinal) || !Parses(hocon) ? hocon : hocon + MailboxOff);
        return path;
    }

    private const string MailboxOff = "\nactorsmtp.mailbox.enabled = off\n";

    private static bool Parses(string hocon)
    {
        try
        {
            Akka.Configuration.ConfigurationFactory.ParseString(hocon);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Starts the executable with <paramref name="arguments"/> in this directory.</summary>
    public HostProcess Start(string arguments, int? openFileLimit = null) => HostProcess.Start(arguments, Directory, openFileLimit);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
