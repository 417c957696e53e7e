using System.Net;
using System.Text;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests.Mx;

/// <summary>unbound with <see cref="MxZone"/>, and the two upstreams its MX records point at, for one test class.</summary>
public sealed class MxFixture : IAsyncLifetime
{
    private static readonly IPAddress B = IPAddress.Parse("127.0.0.2");

    internal TestDnsServer Dns { get; private set; } = null!;
    public TestServer UpstreamA { get; private set; } = null!;
    public TestServer UpstreamB { get; private set; } = null!;
    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        Dns = await TestDnsServer.StartAsync(MxZone.Records);
        Port = FreePort.Tcp(IPAddress.Loopback, B);
        UpstreamA = await TestServer.StartAsync($"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = {Port} }} ]");
        UpstreamB = await TestServer.StartAsync($"actorsmtp.endpoints = [ {{ address = \"127.0.0.2\", port = {Port} }} ]");
    }

    /// <summary>A relay block in MX mode resolving through this fixture's unbound (or <paramref name="servers"/>).</summary>
    public string Block(string? servers = null) =>
        $"mx = on\nport = {Port}\ndns {{ servers = [ {servers ?? Dns.Server} ], timeout = 500ms }}\nhelo-name = {RelayBlocks.HeloName}\nconnect-timeout = 2s";

    /// <summary>True when <paramref name="upstream"/> stored the message the relay sent with this id.</summary>
    public static bool Holds(TestServer upstream, string id) =>
        upstream.StoredMessages().Values.Select(bytes => Encoding.Latin1.GetString(bytes))
            .Any(text => text.Contains($" id {id}\r\n", StringComparison.Ordinal) || text.Contains($" id {id}; ", StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        if (UpstreamA is not null)
            await UpstreamA.DisposeAsync();
        if (UpstreamB is not null)
            await UpstreamB.DisposeAsync();
        if (Dns is not null)
            await Dns.DisposeAsync();
    }
}
