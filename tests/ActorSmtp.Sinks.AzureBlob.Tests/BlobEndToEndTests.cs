using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using MailKit.Net.Smtp;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>Through the real server with MailKit into a real Azurite, including an Azurite outage under load.</summary>
public sealed class BlobEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_message_sent_with_MailKit_is_the_blob_byte_for_byte()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var server = await BlobTestServer.StartAsync(azurite, "e2e", sink: "block-size = 1KiB");
        var small = MimeMessages.Create("small", "First line\r\n.leading dot\r\nlast");
        var large = MimeMessages.Create("large", string.Concat(Enumerable.Repeat(".dot-stuffed line of text\r\n", 400))); // ~11 KB: many blocks

        using var client = await server.ConnectAsync();
        var sent = new Dictionary<string, byte[]>();
        foreach (var message in new[] { small, large })
            sent[MimeMessages.QueuedId(await client.SendAsync(message))] = MimeMessages.WireBytes(message);
        await client.DisconnectAsync(true);

        var container = azurite.Container("e2e");
        foreach (var (id, bytes) in sent)
        {
            Assert.Equal(bytes, (await container.GetBlobClient(id + ".eml").DownloadContentAsync()).Value.Content.ToArray());
            var sidecar = (await container.GetBlobClient(id + ".eml.json").DownloadContentAsync()).Value.Content.ToString();
            Assert.Contains("\"mail-from\": \"sender@example.test\"", sidecar);
            Assert.Contains($"\"size\": {bytes.Length}", sidecar);
        }
    }

    [Fact]
    public async Task Stopping_azurite_under_load_never_gives_250_for_a_lost_message_and_the_server_recovers()
    {
        // On disk, so blobs stored before the outage survive Azurite's restart on the same port.
        await using var azurite = await Azurite.StartAsync(onDisk: true);
        await using var server = await BlobTestServer.StartAsync(azurite, "outage",
            sink: "retry { max-retries = 1, delay = 50ms, max-delay = 200ms, network-timeout = 3s }",
            hocon: "actorsmtp.sink-timeout = 10s\nactorsmtp.sink-circuit-breaker.reset-timeout = 1s"); // the circuit opens in the outage
        var accepted = new ConcurrentDictionary<string, byte[]>();
        var refused = 0;
        var acceptedAfterRestart = 0;
        var restarted = false;
        using var stop = new CancellationTokenSource();

        async Task SendLoopAsync(int clientNumber)
        {
            SmtpClient? client = null;
            for (var m = 0; !stop.IsCancellationRequested; m++)
            {
                var message = MimeMessages.Create($"c{clientNumber} m{m}", $"client {clientNumber} message {m}\r\n" + new string('x', 50 * (m % 40)));
                var clock = Stopwatch.StartNew();
                try
                {
                    client ??= await server.ConnectAsync(TimeSpan.FromSeconds(20));
                    var response = await client.SendAsync(message);
                    accepted[MimeMessages.QueuedId(response)] = MimeMessages.WireBytes(message);
                    if (Volatile.Read(ref restarted))
                        Interlocked.Increment(ref acceptedAfterRestart);
                }
                catch (SmtpCommandException ex) when ((int)ex.StatusCode == 451)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(20); // as a sending MTA would, only much sooner
                }
                catch (SmtpCommandException ex) when ((int)ex.StatusCode == 421)
                {
                    // Retrying this fast, a client runs into the junk-command limit (every retry sends RSET):
                    // the server ends the session, and the client reconnects as an MTA would.
                    client?.Dispose();
                    client = null;
                }
                // No hang: every answer, 250 or 451, comes within the client's timeout and far sooner.
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"a send took {clock.Elapsed}");
            }
            if (client is not null)
            {
                await client.DisconnectAsync(true);
                client.Dispose();
            }
        }

        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => SendLoopAsync(c))).ToArray();
        var sending = Task.WhenAll(clients);
        async Task UntilAsync(Func<bool> condition, string what)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                if (sending.IsCompleted)
                    await sending; // a client failed: show why
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
                await Task.Delay(20);
            }
        }

        var phases = Stopwatch.StartNew();
        await UntilAsync(() => accepted.Count >= 20, "messages stored before the outage");
        output.WriteLine($"{phases.Elapsed}: stopping Azurite");
        await azurite.StopAsync();
        output.WriteLine($"{phases.Elapsed}: stopped");
        var acceptedBeforeOutage = accepted.Count;
        await UntilAsync(() => Volatile.Read(ref refused) >= 8, "451s during the outage");
        await Task.Delay(500);
        var acceptedDuringOutage = accepted.Count - acceptedBeforeOutage;
        output.WriteLine($"{phases.Elapsed}: starting Azurite again");
        await azurite.StartAgainAsync();
        output.WriteLine($"{phases.Elapsed}: started");
        Volatile.Write(ref restarted, true);
        await UntilAsync(() => Volatile.Read(ref acceptedAfterRestart) >= 20, "messages stored after the restart");
        output.WriteLine($"{phases.Elapsed}: recovered");
        stop.Cancel();
        await sending.WaitAsync(TimeSpan.FromSeconds(30));

        output.WriteLine($"250: {accepted.Count} ({acceptedBeforeOutage} before the outage, {acceptedDuringOutage} during it, " +
                         $"{acceptedAfterRestart} after the restart); 451: {refused}");
        var container = azurite.Container("outage");
        foreach (var (id, bytes) in accepted)
            Assert.Equal(bytes, (await container.GetBlobClient(id + ".eml").DownloadContentAsync()).Value.Content.ToArray());
        Assert.True(refused >= 8);
    }
}
