using System.Net;
using Akka.Actor;
using Akka.Cluster;
using ActorSmtp.Host.Http;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Sinks.File;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorSmtp.Cluster.Tests;

/// <summary>
/// One ActorSmtp cluster node in this test process: its own actor system (all named "actorsmtp", as a
/// cluster needs) with remoting on 127.0.0.1 and an ephemeral port, SMTP on 127.0.0.1:0, and the file sink
/// into a fresh temporary folder that is deleted afterwards.
/// </summary>
internal sealed class ClusterTestNode : IAsyncDisposable
{
    private ClusterTestNode(ActorSystem system, ActorSmtpServer server, string mailDirectory, HttpHost? view)
    {
        System = system;
        Server = server;
        MailDirectory = mailDirectory;
        _view = view;
    }

    private readonly HttpHost? _view;

    public ActorSystem System { get; }
    public ActorSmtpServer Server { get; }
    public string MailDirectory { get; }
    public IPEndPoint EndPoint => Server.EndPoints[0];
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;
    public string Seed => $"127.0.0.1:{Address.Port}";
    public ClusterNode Node => (ClusterNode)Server.Cluster!;

    /// <summary>The sink types these tests run (the file sink), registered as the executable registers them.</summary>
    public static SinkCatalog Sinks() => new SinkCatalog().Register<FileSink>("file");

    /// <summary>The cluster view (actorsmtp.cluster.view, served as the executable serves it), when enabled.</summary>
    public Uri? ViewUrl => _view?.Url;

    /// <param name="roles">e.g. "smtp", "storage" or both.</param>
    /// <param name="seed">The founder's <see cref="Seed"/>; null: this node founds the cluster.</param>
    /// <param name="crashable">Terminating the system then does not leave the cluster first: it looks like a crash to the others.</param>
    public static async Task<ClusterTestNode> StartAsync(string[] roles, string? seed = null, string hocon = "", bool crashable = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorsmtp-cluster-test-" + Guid.NewGuid().ToString("N"));
        var seeds = seed is null ? "" : $"\"{seed}\"";
        var config = ActorSmtpConfig.FromString($$"""
            actorsmtp {
              hostname = "mx.test"
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              sinks.file.directory = "{{directory}}"
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
            akka.loglevel = WARNING
            # Leaving waits for the others to agree; with a crashed member that cannot happen: do not wait 10 s for it.
            akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
            {{hocon}}
            """);
        var settings = ActorSmtpSettings.FromConfig(config, Sinks());
        var cluster = ClusterSettings.FromConfig(config);
        var akka = cluster.AkkaConfig().WithFallback(config);
        if (crashable)
            akka = Akka.Configuration.ConfigurationFactory.ParseString(
                "akka.coordinated-shutdown.run-by-actor-system-terminate = off").WithFallback(akka);
        var system = ActorSystem.Create("actorsmtp", akka);
        try
        {
            var server = await ActorSmtpServer.StartAsync(system, settings, cluster: ClusterNode.Create(system, cluster));
            var view = cluster.View.Enabled
                ? await HttpEndpoints.StartClusterViewAsync(
                    new NodeShape(true, cluster.SpeaksSmtp, cluster.OwnsStorage, true, cluster.View.Address, cluster.View.Port),
                    () => system, NullLoggerFactory.Instance)
                : null;
            return new ClusterTestNode(system, server, directory, view);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
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
    public IReadOnlyDictionary<string, byte[]> StoredMessages() =>
        Directory.Exists(MailDirectory)
            ? Directory.GetFiles(MailDirectory, "*.eml").ToDictionary(p => Path.GetFileNameWithoutExtension(p), File.ReadAllBytes)
            : new Dictionary<string, byte[]>();

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
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        if (Directory.Exists(MailDirectory))
            Directory.Delete(MailDirectory, recursive: true);
    }
}
