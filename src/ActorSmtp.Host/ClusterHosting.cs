using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ActorSmtp.Cluster;
using ActorSmtp.Server.Hosting;

namespace ActorSmtp.Host;

/// <summary>
/// Wires ActorSmtp.Cluster into the host, and is the only place that names it: <c>actorsmtp.cluster</c> as Akka
/// settings (<see cref="ClusterSettings.AkkaConfig"/>: remoting, roles, the split-brain resolver, leaving on shutdown)
/// and the node's <see cref="ClusterNode"/>. Called only when <c>actorsmtp.cluster.enabled = on</c>, so a single node
/// never loads the cluster assembly, nor Akka.Cluster, Akka.Remote or DistributedData behind it.
/// Not through Akka.Cluster.Hosting: it brings Akka.Cluster.Sharding and with it the LightningDB store of durable
/// DistributedData, which ActorSmtp does not use and whose dependency NuGet could not resolve exactly (warning
/// NU1603 on every build and <c>dotnet run</c>).
/// </summary>
/// <remarks>
/// Never inlined: the JIT resolves what an inlined method names while it compiles the caller, which would load the
/// cluster assembly on a single node too.
/// </remarks>
internal static class ClusterHosting
{
    /// <summary>Reads and checks the rest of <c>actorsmtp.cluster</c> (roles, seed nodes, the view); throws <see cref="Server.Configuration.SettingsException"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Check(Config config) => ClusterSettings.FromConfig(config);

    /// <summary>The node's roles and view, for the HTTP side.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Http.NodeShape Shape(Config config)
    {
        var cluster = ClusterSettings.FromConfig(config);
        return new Http.NodeShape(true, cluster.SpeaksSmtp, cluster.OwnsStorage, cluster.View.Enabled, cluster.View.Address, cluster.View.Port);
    }

    /// <summary>
    /// Adds the cluster's Akka settings, appended, so <c>akka.*</c> keys in the user's file override these, and these
    /// override Akka's own defaults; returns what makes the node's cluster part once the actor system exists.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Func<ActorSystem, IClusterPart> WithActorSmtpCluster(this AkkaConfigurationBuilder akka, Config config)
    {
        var cluster = ClusterSettings.FromConfig(config);
        akka.AddHocon(cluster.AkkaConfig(), HoconAddMode.Append);
        return system => ClusterNode.Create(system, cluster);
    }
}
