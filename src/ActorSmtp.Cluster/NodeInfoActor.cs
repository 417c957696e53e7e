using Akka.Actor;
using ActorSmtp.Server.Listener;

namespace ActorSmtp.Cluster;

/// <summary>
/// Answers <see cref="NodeInfoActor.GetInfo"/> with this node's numbers for the cluster view: its SMTP sessions,
/// what it stored or forwarded, and its per-client counters. One per node, at a well-known path, so any node
/// can ask any member. Supervised by the user guardian; stateless.
/// </summary>
internal sealed class NodeInfoActor : ReceiveActor
{
    public const string Name = "actorsmtp-node";

    public NodeInfoActor(IActorRef? listener, IActorRef? storage, IActorRef? proxy, ClusterClientCounters counters)
    {
        ReceiveAsync<GetInfo>(async _ =>
        {
            var replyTo = Sender;
            var timeout = TimeSpan.FromSeconds(1);
            var sessions = listener is null ? 0 : (await Ask<ListenerProtocol.Status>(listener, ListenerProtocol.GetStatus.Instance, timeout))?.ActiveConnections ?? -1;
            var stored = storage is null ? null : await Ask<StorageProtocol.Stats>(storage, StorageProtocol.GetStats.Instance, timeout);
            var forwarded = proxy is null ? null : await Ask<StorageProtocol.Stats>(proxy, StorageProtocol.GetStats.Instance, timeout);
            replyTo.Tell(new Info(Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), sessions, stored, forwarded,
                counters.OwnCounters().ToDictionary()));
        });
    }

    private static async Task<T?> Ask<T>(IActorRef actor, object message, TimeSpan timeout) where T : class
    {
        try
        {
            return await actor.Ask<T>(message, timeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    public sealed record GetInfo
    {
        public static readonly GetInfo Instance = new();
    }

    /// <param name="Sessions">Open SMTP sessions (0 on a node without the smtp role, -1 if the listener did not answer).</param>
    /// <param name="Storage">What this node's sinks stored for other nodes (storage role).</param>
    /// <param name="Forwarded">What this node sent to storage nodes (front node without the storage role).</param>
    /// <param name="Counters">This node's share of the cluster-wide per-client counters.</param>
    public sealed record Info(
        string Address, int Sessions, StorageProtocol.Stats? Storage, StorageProtocol.Stats? Forwarded,
        Dictionary<string, long> Counters);
}
