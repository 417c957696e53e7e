using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Host;

/// <summary><c>actorsmtp.cluster</c> through Akka.Cluster.Hosting: remoting, roles and the split-brain resolver.</summary>
internal static class ClusterHosting
{
    /// <summary>Nothing when the cluster is off: a single node opens no remoting port.</summary>
    public static AkkaConfigurationBuilder WithActorSmtpCluster(this AkkaConfigurationBuilder akka, ClusterSettings cluster)
    {
        if (!cluster.Enabled)
            return akka;
        return akka
            .WithRemoting(new RemoteOptions { HostName = cluster.Hostname, Port = cluster.Port, PublicHostName = cluster.PublicHostname })
            .WithClustering(new ClusterOptions
            {
                Roles = [.. cluster.Roles],
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .AddHocon(cluster.TuningConfig(), HoconAddMode.Prepend);
    }
}
