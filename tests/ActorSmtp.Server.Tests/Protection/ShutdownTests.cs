using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Xunit;

namespace ActorSmtp.Server.Tests.Protection;

/// <summary>Graceful shutdown through CoordinatedShutdown: stop accepting, 421 4.3.2 to idle sessions, transactions may finish.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actorsmtp-shutdown-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Idle_sessions_get_421_4_3_2_a_transaction_finishes_with_250_then_421_and_no_one_new_gets_in()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.shutdown-grace = 20s");
        await using var idle = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await using var busy = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await busy.BeginDataAsync();
        await busy.SendAsync("Subject: in flight\r\n\r\nfirst half\r\n");

        var shutdown = CoordinatedShutdown.Get(server.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await idle.ExpectAsync("421 4.3.2 mx.test Service shutting down");
        Assert.True(await idle.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAnyAsync<SocketException>(async () => await RawSmtpClient.ConnectAsync(server.EndPoint));

        await busy.SendAsync("second half\r\n.\r\nMAIL FROM:<a@b.test>\r\n"); // no new transaction while draining
        var queued = await busy.ExpectAsync("250 2.0.0 Ok: queued as ");
        await busy.ExpectAsync("421 4.3.2");
        Assert.True(await busy.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));

        var stored = server.StoredMessages()[queued.Split(' ')[^1]];
        Assert.Equal("Subject: in flight\r\n\r\nfirst half\r\nsecond half\r\n", Encoding.ASCII.GetString(stored));
    }

    [Fact]
    public async Task A_transaction_that_outlasts_the_grace_is_cut_and_nothing_is_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.shutdown-grace = 1s");
        await using var stalled = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await stalled.BeginDataAsync();
        await stalled.SendAsync("Subject: never finished\r\n\r\npart\r\n");

        await CoordinatedShutdown.Get(server.System).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await stalled.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(server.StoredMessages());
    }

    [Fact]
    public async Task SIGTERM_drains_the_sessions_and_the_process_exits_0()
    {
        var config = Path.Combine(_directory, "test.conf");
        File.WriteAllText(config, "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]\nactorsmtp.shutdown-grace = 20s");
        using var host = HostProcess.Start($"--config \"{config}\"", _directory);
        var port = await host.ListeningPortAsync();
        await using var idle = await RawSmtpClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        await idle.ExpectAsync("220");
        await using var busy = await RawSmtpClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        await busy.ExpectAsync("220");
        await busy.SendAsync("EHLO c\r\n");
        await busy.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await busy.BeginDataAsync();
        await busy.SendAsync("Subject: during SIGTERM\r\n\r\n");

        host.Terminate();
        await idle.ExpectAsync("421 4.3.2");
        await busy.SendAsync("body\r\n.\r\n");
        var queued = await busy.ExpectAsync("250 2.0.0 Ok: queued as ");
        await busy.ExpectAsync("421 4.3.2");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var eml = Path.Combine(_directory, "mail", queued.Split(' ')[^1] + ".eml");
        Assert.Equal("Subject: during SIGTERM\r\n\r\nbody\r\n", File.ReadAllText(eml));
        Assert.True(File.Exists(Path.ChangeExtension(eml, ".json")));
    }
}
