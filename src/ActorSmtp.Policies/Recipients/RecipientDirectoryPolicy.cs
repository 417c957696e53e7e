using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using ActorSmtp.Sinks;

namespace ActorSmtp.Policies.Recipients;

/// <summary>
/// <c>type = recipients</c>: refuses at RCPT every recipient the directory does not know, with
/// <c>550 5.1.1 &lt;x@y&gt;: Recipient address rejected: User unknown</c> (Postfix's words), so the sender learns it
/// before it sends the body and nothing is stored for nobody.
/// </summary>
/// <remarks>
/// <c>{ type = recipients, addresses = ["alice@example.com", "@support.example.com"], file = "", reload-interval = 1s }</c>:
/// the list and the file's entries together. The file is looked at every <c>reload-interval</c> (a stat) and read
/// again when its modification time or size changed, as certificates are: off the actor, so checks go on against the
/// old directory while the new one loads, and a file that cannot be read (half written, gone) keeps the old one.
/// </remarks>
[ConfigKeys("addresses", "file", "reload-interval")]
[PolicyStages(PolicyStage.RcptTo)]
public sealed class RecipientDirectoryPolicy : PolicyActor, IValidatesConfig, IWithTimers
{
    private sealed record LookAtFile
    {
        public static readonly LookAtFile Instance = new();
    }

    private sealed record Reloaded(RecipientDirectory Directory, FileVersion Version);

    private sealed record ReloadFailed(string Reason, FileVersion Version);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RecipientDirectory _listed;
    private readonly string _file;
    private readonly TimeSpan _reloadInterval;
    private RecipientDirectory _directory;
    private FileVersion _version;
    private bool _loading;

    public RecipientDirectoryPolicy(Config config)
    {
        _listed = RecipientDirectory.Of(config.GetStringList("addresses") ?? [], "addresses");
        _file = config.GetString("file", "");
        _reloadInterval = config.GetTimeSpan("reload-interval", TimeSpan.FromSeconds(1), allowInfinite: false);
        _directory = _listed;
        if (_file.Length > 0)
        {
            _version = FileVersion.Of(_file);
            _directory = RecipientDirectory.Merge(_listed, RecipientDirectory.Load(_file));
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static void ValidateConfig(Config config)
    {
        RecipientDirectory.Of(config.GetStringList("addresses") ?? [], "`addresses`");
        var file = config.GetString("file", "");
        if (file.Length > 0 && !File.Exists(file))
            throw new ConfigurationException($"`file`: {file} does not exist");
        if (config.GetTimeSpan("reload-interval", TimeSpan.FromSeconds(1), allowInfinite: false) < TimeSpan.FromMilliseconds(10))
            throw new ConfigurationException("`reload-interval` must be at least 10ms");
        if (config.GetStringList("addresses").Count == 0 && file.Length == 0)
            throw new ConfigurationException("`addresses` and `file` are both empty: every recipient would be refused");
    }

    protected override void PreStart()
    {
        if (_file.Length > 0)
            Timers.StartPeriodicTimer(nameof(LookAtFile), LookAtFile.Instance, _reloadInterval);
        _log.Info("recipient directory: {0} entries", _directory.Count);
    }

    protected override ValueTask<PolicyProtocol.Verdict> CheckAsync(PolicyProtocol.Check check) =>
        ValueTask.FromResult<PolicyProtocol.Verdict>(check.Recipient is not { } recipient || _directory.Contains(recipient)
            ? PolicyProtocol.Accept.Instance
            : new PolicyProtocol.Reject(550, "5.1.1", $"<{recipient}>: Recipient address rejected: User unknown"));

    protected override void OnOther(object message)
    {
        switch (message)
        {
            case LookAtFile:
                ReloadIfChanged();
                break;
            case Reloaded reloaded:
                _loading = false;
                _directory = reloaded.Directory;
                _version = reloaded.Version;
                _log.Info("recipient directory reloaded from {0}: {1} entries", _file, _directory.Count);
                break;
            case ReloadFailed failed:
                _loading = false;
                _version = failed.Version; // not again until the file changes once more
                _log.Warning("recipient directory {0} not reloaded ({1}); the previous entries stay in force", _file, failed.Reason);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void ReloadIfChanged()
    {
        if (_loading)
            return;
        var version = FileVersion.Of(_file);
        if (version == _version)
            return;
        _loading = true;
        var (self, listed, file) = (Self, _listed, _file);
        Task.Run(() =>
        {
            try
            {
                return (object)new Reloaded(RecipientDirectory.Merge(listed, RecipientDirectory.Load(file)), version);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                return new ReloadFailed(ex.Message, version);
            }
        }).PipeTo(self);
    }
}

/// <summary>What tells a changed file: its modification time and size (a stat); missing: default.</summary>
internal readonly record struct FileVersion(DateTime Modified, long Length)
{
    public static FileVersion Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileVersion(info.LastWriteTimeUtc, info.Length) : default;
    }
}
