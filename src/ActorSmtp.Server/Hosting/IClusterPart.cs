using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Sinks;

namespace ActorSmtp.Server.Hosting;

/// <summary>
/// What a cluster adds to a node (<c>actorsmtp.cluster.enabled = on</c>), handed to <see cref="ActorSmtpServer.StartAsync"/>.
/// ActorSmtp.Cluster implements it (ClusterNode); ActorSmtp.Server knows only this seam, so a single node never
/// loads Akka.Cluster, Akka.Remote or Akka.DistributedData.
/// </summary>
public interface IClusterPart
{
    /// <summary>False on a storage-only node: it runs no SMTP listener.</summary>
    bool SpeaksSmtp { get; }

    /// <summary>The per-client counts the listener's limits share with the other nodes; usable before the node has joined.</summary>
    ISharedClientCounters Counters { get; }

    /// <summary>Starts where this node's connections send messages: its own sinks, or a proxy to the nodes that run them.</summary>
    SinkTopology StartSinks(ActorSystem system, ActorSmtpSettings settings);

    /// <summary>What keeps this node from serving, for /healthz ("no storage node reachable", "this node is leaving"); null when none.</summary>
    string? Problem();

    /// <summary>Starts the cluster's own actors and joins the cluster, once the sinks and the listener (null: none) run.</summary>
    void Start(ActorSmtpSettings settings, SinkTopology sinks, IActorRef? listener);
}
