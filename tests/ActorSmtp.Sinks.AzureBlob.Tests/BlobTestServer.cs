using System.Net;
using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using MailKit.Net.Smtp;
using MimeKit;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>
/// A real ActorSmtp in its own actor system on 127.0.0.1 and an ephemeral port (plain SMTP), with the
/// blob sink selected the way a user selects it: <c>sink = blob</c>, <c>sinks.blob.type = azure-blob</c>.
/// </summary>
internal sealed class BlobTestServer : IAsyncDisposable
{
    private BlobTestServer(ActorSystem system, ActorSmtpServer server)
    {
        System = system;
        Server = server;
    }

    public ActorSystem System { get; }
    public ActorSmtpServer Server { get; }
    public IPEndPoint EndPoint => Server.EndPoints[0];

    /// <param name="sink">Settings of the blob sink block besides type, connection string and container.</param>
    /// <param name="hocon">Server settings layered over the test defaults.</param>
    public static async Task<BlobTestServer> StartAsync(Azurite azurite, string container, string sink = "", string hocon = "")
    {
        var config = ActorSmtpConfig.FromString($$"""
            actorsmtp {
              hostname = "mx.test"
              endpoints = [ { address = "127.0.0.1", port = 0, tls = none } ]
              sink = blob
              sinks.blob {
                type = azure-blob
                connection-string = {{azurite.ConnectionStringHocon}}
                container = {{container}}
                name-template = "{id}.eml"
                {{sink}}
              }
            }
            akka.loglevel = ERROR
            {{hocon}}
            """);
        var settings = ActorSmtpSettings.FromConfig(config, Sinks());
        var system = ActorSystem.Create("blob-e2e", config);
        try
        {
            return new BlobTestServer(system, await ActorSmtpServer.StartAsync(system, settings));
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    /// <summary>The sink types these tests run, registered as the executable registers them.</summary>
    public static SinkCatalog Sinks() => new SinkCatalog().Register<BlobSink>("azure-blob").Register<File.FileSink>("file");

    public async Task<SmtpClient> ConnectAsync(TimeSpan? timeout = null)
    {
        var client = new SmtpClient { Timeout = (int)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds };
        await client.ConnectAsync(EndPoint.Address.ToString(), EndPoint.Port, MailKit.Security.SecureSocketOptions.None);
        return client;
    }

    public static MimeMessage Message(string subject, string body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.test"));
        message.To.Add(MailboxAddress.Parse("rcpt@example.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>The bytes MailKit puts on the wire for the message (before dot-stuffing).</summary>
    public static byte[] WireBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    /// <summary>The id in "2.0.0 Ok: queued as &lt;id&gt;".</summary>
    public static string QueuedId(string response) => response.Split(' ')[^1];

    public async ValueTask DisposeAsync() => await System.Terminate();
}
