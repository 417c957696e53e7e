using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// <c>POST /api/v1/messages/{id}/release</c> in the executable: a captured message relayed through the release sink to a
/// real upstream (a second ActorSmtp), byte for byte behind one Received: line, recorded in the message's view.
/// </summary>
public sealed class MailboxReleaseTests : IDisposable
{
    private readonly HostWorkspace _workspace = new("actorsmtp-release-");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _workspace.Dispose();

    private HostProcess Start(int upstreamPort, bool release = true) => _workspace.Start($"--config \"{_workspace.Config($$"""
        actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]
        actorsmtp.mailbox { port = 0, release-sink = "{{(release ? "upstream" : "")}}" }
        actorsmtp.sinks.upstream { type = relay, host = "127.0.0.1", port = {{upstreamPort}} }
        """)}\"");

    private static async Task<(int Smtp, Uri Mailbox)> PortsAsync(HostProcess host) =>
        (await host.ListeningPortAsync(), await MailboxHostTests.MailboxUrlAsync(host));

    private static async Task<string> CaptureAsync(int smtp, MimeKit.MimeMessage message)
    {
        using var client = await SmtpClients.ConnectAsync(new IPEndPoint(IPAddress.Loopback, smtp));
        return MimeMessages.QueuedId(await client.SendAsync(message));
    }

    [Fact]
    public async Task A_released_message_reaches_the_upstream_byte_exact_and_is_recorded()
    {
        await using var upstream = await TestServer.StartAsync();
        using var host = Start(upstream.EndPoint.Port);
        var (smtp, mailbox) = await PortsAsync(host);
        var message = MimeMessages.Create("to release", "checked by a person first", to: "capture@staging.test");
        var id = await CaptureAsync(smtp, message);

        using var answer = await Http.PostAsJsonAsync(new Uri(mailbox, $"/api/v1/messages/{id}/release"), new { to = new[] { "real@customer.test" } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var (upstreamId, relayed) = Assert.Single(upstream.StoredMessages());
        var wire = MimeMessages.WireBytes(message);
        Assert.StartsWith("Received: ", System.Text.Encoding.ASCII.GetString(relayed));
        Assert.Equal(wire, relayed[^wire.Length..]); // the captured bytes, behind the relay's one trace line
        var envelope = JsonDocument.Parse(File.ReadAllText(Path.Combine(upstream.MailDirectory, upstreamId + ".json"))).RootElement;
        Assert.Equal(["real@customer.test"], envelope.GetProperty("rcpt-to").EnumerateArray().Select(r => r.GetString()));

        using var view = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, $"/api/v1/messages/{id}")));
        var release = Assert.Single(view.RootElement.GetProperty("releases").EnumerateArray());
        Assert.True(release.GetProperty("relayed").GetBoolean());
        Assert.Equal("real@customer.test", release.GetProperty("to")[0].GetString());
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_an_unreachable_upstream_is_a_502_that_is_recorded()
    {
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var host = Start(closedPort);
        var (smtp, mailbox) = await PortsAsync(host);
        var id = await CaptureAsync(smtp, MimeMessages.Create("nowhere", "upstream down"));
        var release = new Uri(mailbox, $"/api/v1/messages/{id}/release");

        using (var empty = await Http.PostAsJsonAsync(release, new { to = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Equal("to", JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        }
        using (var injected = await Http.PostAsJsonAsync(release, new { to = new[] { "a@b.test>\r\nRCPT TO:<c@d.test" } }))
            Assert.Equal(HttpStatusCode.BadRequest, injected.StatusCode);
        using (var unknown = await Http.PostAsJsonAsync(new Uri(mailbox, "/api/v1/messages/01NOSUCHMESSAGE0000000000/release"), new { to = new[] { "a@b.test" } }))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var down = await Http.PostAsJsonAsync(release, new { to = new[] { "a@b.test" } }))
        {
            Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
            Assert.Contains("451 4.4.1", await down.Content.ReadAsStringAsync());
        }
        using var view = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, $"/api/v1/messages/{id}")));
        Assert.False(Assert.Single(view.RootElement.GetProperty("releases").EnumerateArray()).GetProperty("relayed").GetBoolean());
    }

    [Fact]
    public async Task Without_a_release_sink_a_release_is_a_409_naming_it()
    {
        using var host = Start(25, release: false);
        var (smtp, mailbox) = await PortsAsync(host);
        var id = await CaptureAsync(smtp, MimeMessages.Create("kept", "no release sink"));
        using var answer = await Http.PostAsJsonAsync(new Uri(mailbox, $"/api/v1/messages/{id}/release"), new { to = new[] { "a@b.test" } });
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("release-sink", await answer.Content.ReadAsStringAsync());
    }
}
