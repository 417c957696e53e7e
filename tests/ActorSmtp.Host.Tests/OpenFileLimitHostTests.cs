using System.Diagnostics;
using System.Net;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>Issue 15 §0c: the real host under a low open-file limit warns at start and refuses what does not fit, at once.</summary>
public sealed class OpenFileLimitHostTests : IDisposable
{
    private const int OpenFileLimit = 400; // the host has ~170 descriptors open before its first connection
    private const int Refusals = 20;
    private readonly HostWorkspace _workspace = new("actorsmtp-nofile-");

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Connections_beyond_the_open_file_limit_get_421_4_3_2_at_once_and_mail_still_flows()
    {
        var config = _workspace.Config(name: "test.conf", hocon: "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]");
        using var host = _workspace.Start($"--config \"{config}\"", OpenFileLimit);
        var server = new IPEndPoint(IPAddress.Loopback, await host.ListeningPortAsync());
        Assert.Contains("max-connections = 10000 needs ", host.Output);
        Assert.Contains($"the open-file limit (RLIMIT_NOFILE) is {OpenFileLimit}", host.Output);

        var held = new List<RawSmtpClient>();
        try
        {
            var refused = 0;
            for (var i = 0; i < OpenFileLimit && refused < Refusals; i++)
            {
                var client = await RawSmtpClient.ConnectAsync(server);
                var clock = Stopwatch.StartNew();
                var greeting = (await client.ReadReplyAsync())[^1]; // a stalled accept would time out here
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"connection {i} answered after {clock.Elapsed}");
                if (greeting.StartsWith("421 4.3.2", StringComparison.Ordinal))
                {
                    refused++;
                    await client.DisposeAsync();
                    continue;
                }
                Assert.StartsWith("220 ", greeting);
                held.Add(client);
            }
            Assert.Equal(Refusals, refused);
            Assert.InRange(held.Count, 10, OpenFileLimit / 2);

            // At the limit, a held connection still gets its message stored (a temporary file more).
            var sender = held[^1];
            await sender.SendAsync("EHLO client.test\r\n");
            await sender.ExpectAsync("250 ");
            await sender.BeginDataAsync();
            await sender.SendAsync("Subject: at the limit\r\n\r\nstored\r\n.\r\n");
            await sender.ExpectAsync("250 2.0.0");
            Assert.Single(Directory.GetFiles(Path.Combine(_workspace.Directory, "mail"), "*.eml"));
        }
        finally
        {
            foreach (var client in held)
                await client.DisposeAsync();
        }
    }
}
