using System.Diagnostics;
using System.Net;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// Shutdown of the real executable by signal: SIGINT (Ctrl-C) and SIGTERM drain within shutdown-grace and
/// exit 0; a second SIGINT cuts the grace short. The final dot comes 4 s after the signal, past the 2 s
/// after which System.CommandLine used to end the process (exit 130 or 143).
/// </summary>
public sealed class ShutdownSignalTests : IAsyncLifetime
{
    private static readonly TimeSpan PastTheOldCutOff = TimeSpan.FromSeconds(4);
    private readonly HostWorkspace _workspace = new("actorsmtp-signal-");
    private readonly List<RawSmtpClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
        _workspace.Dispose();
    }

    private string MailFolder => Path.Combine(_workspace.Directory, "mail");

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_transaction_finishing_4_s_after_the_signal_gets_250_and_the_process_exits_0(string signal)
    {
        using var host = await StartAsync("30s");
        var busy = await SignalledInDataAsync(host, "Subject: during shutdown\r\n\r\n", signal);
        await Task.Delay(PastTheOldCutOff);
        await busy.SendAsync("body\r\n.\r\n");
        var queued = await busy.ExpectAsync("250 2.0.0 Ok: queued as ");
        await busy.ExpectAsync("421 4.3.2");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var eml = Path.Combine(MailFolder, queued.Split(' ')[^1] + ".eml");
        Assert.Equal("Subject: during shutdown\r\n\r\nbody\r\n", File.ReadAllText(eml));
        Assert.True(File.Exists(Path.ChangeExtension(eml, ".json")));
    }

    [Fact]
    public async Task A_transaction_that_outlives_the_grace_gets_421_and_nothing_of_it_is_stored()
    {
        using var host = await StartAsync("1s");
        var busy = await SignalledInDataAsync(host, "Subject: never finished\r\n\r\nhalf a body\r\n", "INT");
        await busy.ExpectAsync("421 4.3.2");
        Assert.True(await busy.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(Directory.GetFiles(MailFolder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_second_SIGINT_ends_the_grace_at_once_with_421_and_exit_code_0()
    {
        using var host = await StartAsync("30s");
        var busy = await SignalledInDataAsync(host, "Subject: cut short\r\n\r\nhalf a body\r\n", "INT");
        var second = Stopwatch.StartNew();
        host.Signal("INT");
        await busy.ExpectAsync("421 4.3.2");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(second.Elapsed < TimeSpan.FromSeconds(15), $"exited {second.Elapsed} after the second SIGINT"); // not the 30 s grace
        Assert.Empty(Directory.GetFiles(MailFolder, "*", SearchOption.AllDirectories));
        Assert.Contains("Shutdown grace cut short", host.Output);
    }

    private async Task<HostProcess> StartAsync(string grace)
    {
        var config = _workspace.Config(name: "test.conf", hocon: $"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = 0 }} ]\nactorsmtp.shutdown-grace = {grace}");
        var host = _workspace.Start($"--config \"{config}\"");
        await host.ListeningPortAsync();
        return host;
    }

    /// <summary>
    /// Two sessions, one idle and one in DATA that sent <paramref name="partialBody"/>; then the signal. Returns
    /// the busy one once the idle one got its 421 4.3.2 (the drain has begun).
    /// </summary>
    private async Task<RawSmtpClient> SignalledInDataAsync(HostProcess host, string partialBody, string signal)
    {
        var server = new IPEndPoint(IPAddress.Loopback, await host.ListeningPortAsync());
        var idle = await ConnectAsync(server);
        var busy = await ConnectAsync(server);
        await busy.SendAsync("EHLO client.test\r\n");
        await busy.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await busy.BeginDataAsync();
        await busy.SendAsync(partialBody);
        host.Signal(signal);
        await idle.ExpectAsync("421 4.3.2");
        return busy;
    }

    private async Task<RawSmtpClient> ConnectAsync(IPEndPoint server)
    {
        var client = await RawSmtpClient.ConnectAsync(server);
        _clients.Add(client);
        await client.ExpectAsync("220");
        return client;
    }
}
