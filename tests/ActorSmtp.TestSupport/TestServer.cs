using System.Net;
using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using MailKit.Net.Smtp;

namespace ActorSmtp.TestSupport;

/// <summary>
/// A real ActorSmtp in its own actor system, on 127.0.0.1 with an ephemeral port, storing with the
/// file sink into a fresh temporary folder that is deleted afterwards. The one in-process harness: the
/// cluster node, blob and webhook tests start it with their own settings, sinks or cluster part.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ActorSystem system, ActorSmtpServer server, ActorSmtpSettings settings, string mailDirectory)
    {
        System = system;
        Server = server;
        Settings = settings;
        MailDirectory = mailDirectory;
    }

    public ActorSystem System { get; }
    public ActorSmtpServer Server { get; }
    public ActorSmtpSettings Settings { get; }
    public string MailDirectory { get; }
    public IPEndPoint EndPoint => Server.EndPoints[0];

    /// <summary>The self-signed certificate the server made for its TLS endpoints.</summary>
    public string CertificateFile => Path.Combine(MailDirectory, ".tls", "self-signed.pfx");

    /// <summary>The sink types of the actorsmtp executable (file, azure-blob), registered as it registers them.</summary>
    public static SinkCatalog Sinks() => ShippedSinks.Catalog();

    /// <param name="hocon">Extra settings layered over the test defaults, e.g. "actorsmtp.limits.max-recipients = 2".</param>
    /// <param name="sinks">The sink types to offer; default: <see cref="Sinks"/>.</param>
    /// <param name="cluster">This node's cluster part; the actor system is then named "actorsmtp", as a cluster needs.</param>
    public static async Task<TestServer> StartAsync(string hocon = "", SinkCatalog? sinks = null, TestCluster? cluster = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorsmtp-test-" + Guid.NewGuid().ToString("N"));
        var config = ActorSmtpConfig.FromString($$"""
            actorsmtp {
              hostname = "mx.test"
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              sinks.file.directory = "{{directory}}"
              tls.self-signed-file = "{{Path.Combine(directory, ".tls", "self-signed.pfx")}}"
            }
            akka.loglevel = WARNING
            {{hocon}}
            """);
        var settings = ActorSmtpSettings.FromConfig(config, sinks ?? Sinks());
        var system = cluster is null ? ActorSystem.Create("test", config) : ActorSystem.Create("actorsmtp", cluster.AkkaConfig(config));
        try
        {
            var server = await ActorSmtpServer.StartAsync(system, settings, cluster: cluster?.Part(system, config));
            return new TestServer(system, server, settings, directory);
        }
        catch
        {
            await system.Terminate(); // a failed start must not leave a system or files behind either
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A MailKit client connected over plain SMTP.</summary>
    public Task<SmtpClient> ConnectAsync(TimeSpan? timeout = null) => SmtpClients.ConnectAsync(EndPoint, timeout);

    /// <summary>Stored messages as (id, bytes of the .eml).</summary>
    public IReadOnlyDictionary<string, byte[]> StoredMessages() =>
        Directory.Exists(MailDirectory)
            ? Directory.GetFiles(MailDirectory, "*.eml").ToDictionary(p => Path.GetFileNameWithoutExtension(p), File.ReadAllBytes)
            : new Dictionary<string, byte[]>();

    /// <summary>Every file in the mail folder, hidden temporaries included.</summary>
    public string[] AllFiles() => Directory.Exists(MailDirectory) ? Directory.GetFiles(MailDirectory) : [];

    /// <summary>The file names left once an abandoned message had time to be cleaned up (a lost client is noticed asynchronously).</summary>
    public async Task<IEnumerable<string?>> FilesAfterCleanupAsync()
    {
        await Task.Delay(500);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (AllFiles().Length > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        return AllFiles().Select(Path.GetFileName);
    }

    /// <summary>Terminates the actor system within <paramref name="timeout"/> (default: no limit) and deletes the mail folder.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        var terminated = System.Terminate();
        await (timeout is { } t ? terminated.WaitAsync(t) : terminated);
        if (Directory.Exists(MailDirectory))
            Directory.Delete(MailDirectory, recursive: true);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>How a <see cref="TestServer"/> joins a cluster: its Akka settings and its cluster part (ActorSmtp.Cluster's ClusterNode).</summary>
public sealed record TestCluster(Func<Config, Config> AkkaConfig, Func<ActorSystem, Config, IClusterPart> Part);
