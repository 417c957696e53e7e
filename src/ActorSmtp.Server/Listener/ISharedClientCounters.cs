using System.Net;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// Per-client counts shared with other nodes (a cluster, see ActorSmtp.Cluster), so that the listener's
/// per-client limits hold across them: a client cannot get N times its limits by spreading over N nodes.
/// Null on a single node, where the listener's own counts are the whole truth.
/// </summary>
/// <remarks>Called on the listener's and the sessions' threads: implementations are thread-safe and never block.</remarks>
public interface ISharedClientCounters
{
    /// <summary>
    /// Counts one more connection of <paramref name="client"/> if the shared count is below <paramref name="limit"/>;
    /// false (nothing counted) otherwise. Every true is paired with one <see cref="ReleaseConnection"/>.
    /// </summary>
    bool TryAcquireConnection(IPAddress client, int limit);

    /// <summary>The connection counted by a successful <see cref="TryAcquireConnection"/> has closed.</summary>
    void ReleaseConnection(IPAddress client);

    /// <summary>
    /// Counts one event of <paramref name="kind"/> ("messages", "connects", ...) for <paramref name="client"/> in the
    /// current window of length <paramref name="window"/>, if the shared count there is below <paramref name="limit"/>.
    /// </summary>
    bool TryCount(string kind, IPAddress client, int limit, TimeSpan window);
}
