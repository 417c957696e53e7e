using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// kill -9 in the middle of a run: every message that got 250 is stored whole with its envelope, and no
/// partial file is visible under a final name (RFC 5321 §6.1: a 250 is a promise).
/// </summary>
public sealed class CrashDurabilityTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 32;
    private readonly HostWorkspace _workspace = new("actorsmtp-crash-");

    public void Dispose() => _workspace.Dispose();

    /// <summary>Messages in the run (ACTORSMTP_CRASH_MESSAGES, default 5000); the server is killed when half got 250.</summary>
    private static int Messages => int.TryParse(Environment.GetEnvironmentVariable("ACTORSMTP_CRASH_MESSAGES"), out var n) && n > 0 ? n : 5000;

    [Fact]
    public async Task Every_acknowledged_message_survives_kill_9_complete_and_nothing_partial_is_visible()
    {
        var config = _workspace.Config(name: "crash.conf", hocon: "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]");
        using var host = _workspace.Start($"--config \"{config}\"");
        var server = new IPEndPoint(IPAddress.Loopback, await host.ListeningPortAsync());

        var acknowledged = new ConcurrentDictionary<string, int>(); // queued id -> message number
        var next = -1;
        var killAt = Messages / 2;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            try
            {
                await using var client = await RawSmtpClient.ConnectAsync(server);
                await client.ExpectAsync("220");
                await client.SendAsync("EHLO crash.test\r\n");
                await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
                for (var n = Interlocked.Increment(ref next); n < Messages; n = Interlocked.Increment(ref next))
                {
                    await client.BeginDataAsync();
                    await client.SendAsync(Body(n) + ".\r\n");
                    var queued = await client.ExpectAsync("250 2.0.0 Ok: queued as ");
                    acknowledged[queued.Split(' ')[^1]] = n;
                    if (acknowledged.Count >= killAt)
                        killed.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                // The server died under us: that transaction was never acknowledged.
            }
            catch (Xunit.Sdk.XunitException) when (killed.Task.IsCompleted)
            {
                // A reply cut short by the kill.
            }
        })).ToArray();

        await Task.WhenAny(killed.Task, Task.WhenAll(clients));
        host.Kill();
        var acknowledgedAtKill = acknowledged.Count;
        await Task.WhenAll(clients);
        output.WriteLine($"{Messages} planned, {acknowledged.Count} acknowledged ({acknowledgedAtKill} when killed) in {clock.Elapsed}");
        Assert.True(acknowledgedAtKill >= killAt, "the server was killed before half the messages got 250");

        var mail = Path.Combine(_workspace.Directory, "mail");
        foreach (var (id, n) in acknowledged)
        {
            var eml = Path.Combine(mail, id + ".eml");
            Assert.True(File.Exists(eml), $"acknowledged message {id} is missing");
            Assert.Equal(Body(n), File.ReadAllText(eml, Encoding.ASCII));
            using var envelope = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(eml, ".json")));
            Assert.Equal(id, envelope.RootElement.GetProperty("id").GetString());
        }
        // Under final names there are only whole messages (some stored just before the kill never got their
        // 250 out: the client retries them, RFC 5321 accepts the duplicate); temporaries are hidden.
        foreach (var eml in Directory.GetFiles(mail, "*.eml").Where(f => !Path.GetFileName(f).StartsWith('.')))
        {
            var text = File.ReadAllText(eml, Encoding.ASCII);
            var n = int.Parse(text["Subject: crash ".Length..text.IndexOf('\r')]);
            Assert.Equal(Body(n), text);
            Assert.True(File.Exists(Path.ChangeExtension(eml, ".json")), $"{eml} has no envelope");
        }
        foreach (var json in Directory.GetFiles(mail, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')))
            JsonDocument.Parse(File.ReadAllText(json)).Dispose(); // whole, parseable
    }

    /// <summary>Message number <paramref name="n"/>: its own subject and a body whose length and bytes depend on it.</summary>
    private static string Body(int n)
    {
        var body = new StringBuilder($"Subject: crash {n}\r\nFrom: <a@crash.test>\r\n\r\n");
        var lines = 1 + n % 40;
        for (var i = 0; i < lines; i++)
            body.Append((char)('a' + (n + i) % 26), 20 + (n * 7 + i) % 60).Append("\r\n");
        return body.ToString();
    }
}
