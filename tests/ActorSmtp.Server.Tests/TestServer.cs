using System.Net;
using Akka.Actor;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;

namespace ActorSmtp.Server.Tests;

/// <summary>
/// A real ActorSmtp in its own actor system, on 127.0.0.1 with an ephemeral port, storing with the
/// file sink into a fresh temporary folder that is deleted afterwards.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
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

    /// <param name="hocon">Extra settings layered over the test defaults, e.g. "actorsmtp.limits.max-recipients = 2".</param>
    public static async Task<TestServer> StartAsync(string hocon = "")
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
        var settings = ActorSmtpSettings.FromConfig(config, ShippedSinks.Catalog());
        var system = ActorSystem.Create("test", config);
        try
        {
            return new TestServer(system, await ActorSmtpServer.StartAsync(system, settings), settings, directory);
        }
        catch
        {
            await system.Terminate(); // a failed start must not leave a system or files behind either
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
            throw;
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        if (Directory.Exists(MailDirectory))
            Directory.Delete(MailDirectory, recursive: true);
    }
}
