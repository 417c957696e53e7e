namespace ActorSmtp.Server.Listener;

/// <summary>
/// How many connections the open-file limit leaves room for. Issue 15 §0c: nothing checked max-connections
/// (10 000 by default) against RLIMIT_NOFILE; at the limit new connections stalled 14–23 s unanswered in the
/// backlog, the file sink failed with "Too many open files", and once the process aborted. Now the
/// listener refuses connections beyond this budget with 421 4.3.2 while descriptors are still left.
/// </summary>
/// <param name="Limit">The soft open-file limit (after raising it to the hard one); <see cref="long.MaxValue"/>: unlimited or unknown.</param>
/// <param name="InUseAtStart">Descriptors open before the first connection: the runtime keeps each assembly open (~170 for the host).</param>
/// <param name="MaxConnections"><c>actorsmtp.limits.max-connections</c>.</param>
internal sealed record DescriptorBudget(long Limit, int InUseAtStart, int MaxConnections)
{
    /// <summary>A connection in DATA holds its socket and the message's temporary file.</summary>
    public const int PerConnection = 2;

    /// <summary>
    /// Kept free besides what was open at start: assemblies loaded later, the file sink's directory flushes
    /// (one per committer thread, 32), the .json of messages being committed, certificate reloads, cluster sockets.
    /// </summary>
    public const int Headroom = 128;

    public long Needed => (long)PerConnection * MaxConnections + InUseAtStart + Headroom;

    /// <summary>Connections that fit; <see cref="int.MaxValue"/> when the limit is unknown or unlimited.</summary>
    public int ConnectionsThatFit => Limit == long.MaxValue
        ? int.MaxValue
        : (int)Math.Clamp((Limit - InUseAtStart - Headroom) / PerConnection, 0, int.MaxValue);

    public bool Suffices => ConnectionsThatFit >= MaxConnections;

    /// <summary>The warning logged at start when the limit is too low, naming both numbers and what follows.</summary>
    public string Shortfall =>
        $"actorsmtp.limits.max-connections = {MaxConnections} needs {Needed} open files ({PerConnection} per connection + " +
        $"{InUseAtStart} open at start + {Headroom}), but the open-file limit (RLIMIT_NOFILE) is {Limit}: connections beyond " +
        $"{ConnectionsThatFit} get 421 4.3.2. Raise the limit (LimitNOFILE= in the systemd unit, ulimit -n) or lower max-connections.";

    /// <summary>Raises this process's soft limit to the hard one, then measures; <paramref name="raised"/> says what changed, if anything.</summary>
    public static DescriptorBudget ForThisProcess(int maxConnections, out string? raised)
    {
        var before = OpenFileLimit.RaiseToHard();
        var limit = OpenFileLimit.Read();
        raised = before is { } b && limit is { } now ? $"raised the open-file limit (RLIMIT_NOFILE) from {b.Soft} to {now.Soft}" : null;
        return new DescriptorBudget(limit?.Soft ?? long.MaxValue, OpenFileLimit.CountOpen() ?? 0, maxConnections);
    }
}
