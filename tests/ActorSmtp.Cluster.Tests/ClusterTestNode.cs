using System.Net;
using Akka.Actor;
using Akka.Cluster;
using ActorSmtp.Host.Http;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Akka.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorSmtp.Cluster.Tests;

/// <summary>
/// One ActorSmtp cluster node in this test process: a <see cref="TestServer"/> (its actor system named
/// "actorsmtp", as a cluster needs) with remoting on 127.0.0.1 and an ephemeral port.
/// </summary>
internal sealed class ClusterTestNode : IAsyncDisposable
{
    private ClusterTestNode(TestServer server, HttpHost? view)
    {
        _server = server;
        _view = view;
    }

    private readonly TestServer _server;
    private readonly HttpHost? _view;

    public ActorSystem System => _server.System;
    public ActorSmtpServer Server => _server.Server;
    public string MailDirectory => _server.MailDirectory;
    public IPEndPoint EndPoint => _server.EndPoint;
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;
    public string Seed => $"127.0.0.1:{Address.Port}";
    public ClusterNode Node => (ClusterNode)Server.Cluster!;

    /// <summary>The cluster view (actorsmtp.cluster.view, served as the executable serves it), when enabled.</summary>
    public Uri? ViewUrl => _view?.Url;

    /// <param name="roles">e.g. "smtp", "storage" or both.</param>
    /// <param name="seed">The founder's <see cref="Seed"/>; null: this node founds the cluster.</param>
    /// <param name="crashable">Terminating the system then does not leave the cluster first: it looks like a crash to the others.</param>
    public static async Task<ClusterTestNode> StartAsync(string[] roles, string? seed = null, string hocon = "", bool crashable = false)
    {
        var seeds = seed is null ? "" : $"\"{seed}\"";
        var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sinks.file.timeout = 10s
              cluster {
                enabled = on
                hostname = "127.0.0.1"
                port = 0
                seed-nodes = [{{seeds}}]
                roles = [{{string.Join(", ", roles)}}]
                down-unreachable-after = 60s
              }
            }
            # Leaving waits for the others to agree; with a crashed member that cannot happen: do not wait 10 s for it.
            akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
            {{hocon}}
            """, cluster: new TestCluster(config => AkkaConfig(config, crashable), (system, config) => ClusterNode.Create(system, ClusterSettings.FromConfig(config))));
        try
        {
            var cluster = ClusterSettings.FromConfig(server.System.Settings.Config);
            var view = cluster.View.Enabled
                ? await HttpEndpoints.StartClusterViewAsync(
                    new NodeShape(true, cluster.SpeaksSmtp, cluster.OwnsStorage, true, cluster.View.Address, cluster.View.Port),
                    () => server.System, NullLoggerFactory.Instance)
                : null;
            return new ClusterTestNode(server, view);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static Config AkkaConfig(Config config, bool crashable)
    {
        var akka = ClusterSettings.FromConfig(config).AkkaConfig().WithFallback(config);
        return crashable
            ? ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off").WithFallback(akka)
            : akka;
    }

    /// <summary>Starts a founder with <paramref name="first"/> and the other nodes joining it; waits until all see all Up.</summary>
    public static async Task<ClusterTestNode[]> StartClusterAsync(params string[][] roles)
    {
        var founder = await StartAsync(roles[0]);
        var nodes = new List<ClusterTestNode> { founder };
        try
        {
            foreach (var r in roles.Skip(1))
                nodes.Add(await StartAsync(r, founder.Seed));
            await WaitForAsync(() => nodes.All(n => n.UpMembers() == nodes.Count), TimeSpan.FromSeconds(20), "cluster formed");
            return nodes.ToArray();
        }
        catch
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            throw;
        }
    }

    public int UpMembers() => Akka.Cluster.Cluster.Get(System).State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>Stored messages as (id, bytes of the .eml).</summary>
    public IReadOnlyDictionary<string, byte[]> StoredMessages() => _server.StoredMessages();

    public static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"not within {timeout}: {what}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_view is not null)
            await _view.DisposeAsync();
        await _server.StopAsync(TimeSpan.FromSeconds(20));
    }
}
