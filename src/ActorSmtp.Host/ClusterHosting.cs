using Akka.Hosting;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Host;

/// <summary>
/// <c>actorsmtp.cluster</c> as Akka settings (<see cref="ClusterSettings.AkkaConfig"/>: remoting, roles, the
/// split-brain resolver, leaving on shutdown). Not through Akka.Cluster.Hosting: it brings Akka.Cluster.Sharding
/// and with it the LightningDB store of durable DistributedData, which ActorSmtp does not use and whose
/// dependency NuGet could not resolve exactly (warning NU1603 on every build and <c>dotnet run</c>).
/// </summary>
internal static class ClusterHosting
{
    /// <summary>
    /// Nothing when the cluster is off: a single node opens no remoting port. Appended, so <c>akka.*</c> keys in
    /// the user's file override these, and these override Akka's own defaults.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorSmtpCluster(this AkkaConfigurationBuilder akka, ClusterSettings cluster) =>
        cluster.Enabled ? akka.AddHocon(cluster.AkkaConfig(), HoconAddMode.Append) : akka;
}
