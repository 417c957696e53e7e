using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Sinks;

namespace ActorSmtp.Cluster;

/// <summary>
/// This node's part in an ActorSmtp cluster (<c>actorsmtp.cluster.enabled = on</c>): joins the seed nodes,
/// serves its sinks to front nodes when it has the storage role, answers the cluster view, and holds the
/// cluster-wide per-client <see cref="Counters"/>. Made before the server starts and handed to it
/// (<see cref="ActorSmtpServer.StartAsync"/>), which plugs it in as its <see cref="IClusterPart"/>.
/// </summary>
public sealed class ClusterNode : IClusterPart
{
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterNode(ActorSystem system, ClusterSettings settings)
    {
        System = system;
        Settings = settings;
        Counters = new ClusterClientCounters(system);
    }

    public ActorSystem System { get; }
    public ClusterSettings Settings { get; }

    /// <summary>Cluster-wide per-client connection and rate counters (eventually consistent; see its remarks).</summary>
    public ClusterClientCounters Counters { get; }

    ISharedClientCounters IClusterPart.Counters => Counters;

    public bool SpeaksSmtp => Settings.SpeaksSmtp;

    /// <summary>This node's cluster address (the bound remoting port resolved).</summary>
    public Address SelfAddress => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>Completes when this node is Up in the cluster.</summary>
    public Task WhenUp => _up.Task;

    /// <summary>
    /// What keeps this node from doing its part, as /healthz shows it: it is leaving (or has left) the cluster, or
    /// it speaks SMTP without the storage role and no storage node is up and reachable (messages would get 451).
    /// </summary>
    public string? Problem()
    {
        var cluster = Akka.Cluster.Cluster.Get(System);
        var self = cluster.SelfMember.Status;
        if (self is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
            return $"cluster: this node is {self.ToString().ToLowerInvariant()}";
        var state = cluster.State;
        return Settings.OwnsStorage || state.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole(ClusterSettings.StorageRole)
                && !state.Unreachable.Contains(m))
            ? null
            : "cluster: no storage node reachable";
    }

    /// <summary>
    /// This node's cluster part before it joins: the <see cref="Counters"/> are usable at once (for the
    /// listener's limits), the other nodes' counts arrive once it is up. The actor system must have been
    /// created with <see cref="ClusterSettings.AkkaConfig"/> in its configuration.
    /// </summary>
    public static ClusterNode Create(ActorSystem system, ClusterSettings settings) =>
        settings.Enabled ? new(system, settings)
            : throw new ArgumentException($"{ClusterSettings.Section}.enabled is off", nameof(settings));

    /// <summary>
    /// The node's own sinks with the storage role; without it a proxy to the storage nodes, and no local sinks.
    /// </summary>
    public SinkTopology StartSinks(ActorSystem system, ActorSmtpSettings settings) =>
        Settings.OwnsStorage ? SinkTopology.Start(system, settings)
            : SinkTopology.Remote(system.ActorOf(StorageProxyActor.Props(settings), "sink-storage-proxy"));

    /// <summary>Starts the node's cluster actors, then joins (or founds) the cluster.</summary>
    public void Start(ActorSmtpSettings settings, SinkTopology sinks, IActorRef? listener)
    {
        var system = System;
        var cluster = Akka.Cluster.Cluster.Get(system);
        var storage = Settings.OwnsStorage
            ? system.ActorOf(Props.Create(() => new StorageNodeActor(sinks.Entry)), StorageProtocol.StorageNodeName)
            : null;
        var proxy = Settings.OwnsStorage ? null : sinks.Entry;
        var counters = Counters;
        system.ActorOf(Props.Create(() => new NodeInfoActor(listener, storage, proxy, counters)), NodeInfoActor.Name);
        cluster.RegisterOnMemberUp(() => _up.TrySetResult());
        var seeds = Settings.SeedNodes.Select(s => SeedAddress(s, system.Name)).ToList();
        var log = Logging.GetLogger(system, typeof(ClusterNode));
        if (seeds.Count == 0)
        {
            log.Info("founding a new cluster as {0} (actorsmtp.cluster.seed-nodes is empty)", cluster.SelfAddress);
            cluster.Join(cluster.SelfAddress); // the founder; the others name it as their seed
        }
        else
        {
            log.Info("joining the cluster through the seed nodes {0}", string.Join(", ", seeds));
            cluster.JoinSeedNodes(seeds);
        }
    }

    private static Address SeedAddress(string seed, string systemName)
    {
        if (seed.Contains("://", StringComparison.Ordinal))
            return Address.Parse(seed);
        var colon = seed.LastIndexOf(':');
        return new Address("akka.tcp", systemName, seed[..colon].Trim('[', ']'), int.Parse(seed[(colon + 1)..]));
    }
}
