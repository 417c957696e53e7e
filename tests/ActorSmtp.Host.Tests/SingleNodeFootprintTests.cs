using System.Net;
using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;
using static ActorSmtp.TestSupport.HttpProbe;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// A single node carries nothing of the cluster: ActorSmtp.Server does not reference Akka.Cluster, Akka.Remote or
/// DistributedData, and the executable running without <c>actorsmtp.cluster</c> does not load them, nor ActorSmtp.Cluster.
/// </summary>
public sealed class SingleNodeFootprintTests : IDisposable
{
    private static readonly string[] ClusterAssemblies = ["ActorSmtp.Cluster", "Akka.Cluster", "Akka.Remote", "Akka.DistributedData"];

    private readonly HostWorkspace _workspace = new("actorsmtp-footprint-");

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_server_assembly_references_no_cluster_assembly()
    {
        var referenced = typeof(ActorSmtpServer).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.Contains("Akka", referenced); // it does list what it uses
        Assert.Empty(referenced.Intersect(ClusterAssemblies));
    }

    [Fact]
    public async Task A_server_with_the_cluster_on_but_no_cluster_part_refuses_to_start_rather_than_count_limits_alone()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(
            "actorsmtp { endpoints = [ { address = \"127.0.0.1\", port = 0 } ], cluster.enabled = on }"), ActorSmtp.Host.ShippedSinks.Catalog());
        using var system = ActorSystem.Create("footprint");
        var error = await Assert.ThrowsAsync<SettingsException>(() => ActorSmtpServer.StartAsync(system, settings));
        Assert.Equal("actorsmtp.cluster.enabled", error.Key);
    }

    [Fact]
    public async Task A_single_node_that_served_mail_metrics_and_health_has_loaded_no_cluster_assembly()
    {
        var metricsPort = FreePort();
        var config = _workspace.Config(name: "single.conf", hocon: $$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              limits { max-connections-per-client = 5, message-rate-per-client = 100 }
              metrics { enabled = on, address = "127.0.0.1", port = {{metricsPort}} }
            }
            """);
        using var host = _workspace.Start($"run --config \"{config}\"");
        var port = await host.ListeningPortAsync();
        using (var client = await SmtpClients.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)))
        {
            await client.SendAsync(MimeMessages.Create("footprint", "single node"));
            await client.DisconnectAsync(true);
        }
        Assert.Equal(HttpStatusCode.OK, (await WaitForAsync($"http://127.0.0.1:{metricsPort}/healthz", TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"http://127.0.0.1:{metricsPort}/metrics")).Status);

        var loaded = host.LoadedAssemblies();
        Assert.Contains("ActorSmtp.Server.dll", loaded); // the listing does show managed assemblies
        Assert.Empty(loaded.Intersect(ClusterAssemblies.Select(name => name + ".dll")));
    }
}
