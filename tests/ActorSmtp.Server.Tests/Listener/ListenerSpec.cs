using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Listener;
using Xunit;

namespace ActorSmtp.Server.Tests.Listener;

public sealed class ListenerSpec() : TestKit("akka.loglevel = WARNING")
{
    private static ActorSmtpSettings Settings(string hocon) => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(
        "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]\nactorsmtp.sink = null\n" + hocon));

    [Fact]
    public async Task Over_max_connections_a_client_gets_421_4_7_0_and_is_closed()
    {
        var server = await ActorSmtpServer.StartAsync(Sys, Settings("actorsmtp.limits.max-connections = 2"));
        await using var first = await RawSmtpClient.ConnectAsync(server.EndPoints[0]);
        await using var second = await RawSmtpClient.ConnectAsync(server.EndPoints[0]);
        await first.ExpectAsync("220");
        await second.ExpectAsync("220");

        await using var third = await RawSmtpClient.ConnectAsync(server.EndPoints[0]);
        await third.ExpectAsync("421 4.7.0");
        Assert.True(await third.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));

        await first.SendAsync("QUIT\r\n");
        await first.ExpectAsync("221");
        await AwaitConditionAsync(async () =>
            (await server.Listener.Ask<ListenerProtocol.Status>(ListenerProtocol.GetStatus.Instance)).ActiveConnections == 1);
        await using var fourth = await RawSmtpClient.ConnectAsync(server.EndPoints[0]);
        await fourth.ExpectAsync("220"); // a slot freed up
    }

    [Fact]
    public async Task Binding_a_port_in_use_fails_start_up()
    {
        var first = await ActorSmtpServer.StartAsync(Sys, Settings(""), "first");
        var port = first.EndPoints[0].Port;
        await Assert.ThrowsAnyAsync<Exception>(() =>
            ActorSmtpServer.StartAsync(Sys, Settings($"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = {port} }} ]"), "second"));
    }

    [Fact]
    public async Task Every_endpoint_is_bound_and_reported()
    {
        var server = await ActorSmtpServer.StartAsync(Sys, Settings(
            "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 }, { address = \"127.0.0.2\", port = 0 } ]"));
        Assert.Equal(2, server.EndPoints.Count);
        foreach (var endPoint in server.EndPoints)
        {
            await using var client = await RawSmtpClient.ConnectAsync(endPoint);
            await client.ExpectAsync("220");
        }
    }
}
