using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Xunit;

namespace ActorSmtp.Server.Tests.Hosting;

/// <summary>Graceful shutdown through CoordinatedShutdown: stop accepting, 421 4.3.2 to idle sessions, transactions may finish.
/// By signal, against the executable: <see cref="ShutdownSignalTests"/>.</summary>
public sealed class ShutdownTests
{
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
    public async Task A_transaction_that_outlasts_the_grace_gets_421_4_3_2_and_nothing_is_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.shutdown-grace = 1s");
        await using var stalled = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await stalled.BeginDataAsync();
        await stalled.SendAsync("Subject: never finished\r\n\r\npart\r\n");

        var shutdown = CoordinatedShutdown.Get(server.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await stalled.ExpectAsync("421 4.3.2 mx.test Service shutting down");
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await stalled.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(server.StoredMessages());
    }
}
