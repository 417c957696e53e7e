using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using Akka.Event;
using MailKit.Net.Smtp;
using MimeKit;
using MimeKit.Text;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>
/// MailKit sees CHUNKING in Capabilities but sends with DATA unless a part is binary (which needs BINARYMIME, not offered)
/// or <c>PreferSendAsBinaryData</c> says so; with it, it sends one BDAT ... LAST. The server's protocol trace shows BDAT was used.
/// </summary>
public sealed class MailKitChunkingTests
{
    [Fact]
    public async Task A_one_megabyte_8bit_message_arrives_byte_exact_via_bdat()
    {
        await using var server = await TestServer.StartAsync("akka.loglevel = INFO\nactorsmtp.trace.enabled = on");
        var trace = new ConcurrentQueue<string>();
        var collector = server.System.ActorOf(Props.Create(() => new TraceCollector(trace)));
        server.System.EventStream.Subscribe(collector, typeof(Info));

        var line = "Grüße aus Köln, ½ € für alle — 8-bit text\r\n";
        var message = MimeMessages.Create("Chunked", "");
        message.Body = new TextPart(TextFormat.Plain)
        {
            Text = string.Concat(Enumerable.Repeat(line, 1024 * 1024 / Encoding.UTF8.GetByteCount(line))),
            ContentTransferEncoding = ContentEncoding.EightBit,
        };
        using (var client = new BdatSmtpClient())
        {
            await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, MailKit.Security.SecureSocketOptions.None);
            Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
            Assert.StartsWith("2.0.0 Ok: queued as ", await client.SendAsync(message));
            await client.DisconnectAsync(true);
        }

        var (_, stored) = Assert.Single(server.StoredMessages());
        Assert.True(stored.Length > 1024 * 1024 - 100);
        Assert.Equal(MimeMessages.WireBytes(message), stored);
        Assert.True(trace.Any(t => t.Contains($"C: BDAT {stored.Length} LAST")), string.Join("\n", trace.Where(t => t.Contains("trace"))));
        Assert.DoesNotContain(trace, t => t.Contains("C: DATA"));
    }

    private sealed class BdatSmtpClient : SmtpClient
    {
        protected override bool PreferSendAsBinaryData => true;
    }

    private sealed class TraceCollector : ReceiveActor
    {
        public TraceCollector(ConcurrentQueue<string> trace) => Receive<Info>(info => trace.Enqueue(info.ToString()));
    }
}
