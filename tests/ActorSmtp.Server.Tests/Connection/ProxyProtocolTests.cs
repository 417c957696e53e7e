using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>PROXY protocol v1/v2 on an endpoint that expects it: the proxied client is what the envelope and the limits use.</summary>
public sealed class ProxyProtocolTests
{
    private static string Proxied(string versions, string trusted = "\"127.0.0.1\"") => $$"""
        actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, proxy-protocol = {{versions}} } ]
        actorsmtp.trusted-proxies = [ {{trusted}} ]
        """;

    [Fact]
    public async Task A_v1_header_from_a_trusted_proxy_names_the_client_in_the_envelope()
    {
        await using var server = await TestServer.StartAsync(Proxied("v1"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("PROXY TCP4 192.0.2.10 198.51.100.1 40000 25\r\n");
        var id = await SendMessageAsync(client);

        var envelope = Envelope(server, id);
        Assert.Equal("192.0.2.10", envelope.GetProperty("client").GetProperty("address").GetString());
        Assert.Equal(40000, envelope.GetProperty("client").GetProperty("port").GetInt32());
        Assert.Equal("198.51.100.1", envelope.GetProperty("server").GetProperty("address").GetString());
    }

    [Fact]
    public async Task A_v2_header_split_over_writes_names_the_client_in_the_envelope()
    {
        await using var server = await TestServer.StartAsync(Proxied("any"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var header = V2(IPAddress.Parse("2001:db8::7"), 51000, IPAddress.Parse("2001:db8::1"), 25);
        await client.SendAsync(header[..7]);
        await Task.Delay(100);
        await client.SendAsync(header[7..]);
        var id = await SendMessageAsync(client);

        Assert.Equal("2001:db8::7", Envelope(server, id).GetProperty("client").GetProperty("address").GetString());
    }

    [Fact]
    public async Task A_v2_LOCAL_header_keeps_the_real_endpoints()
    {
        await using var server = await TestServer.StartAsync(Proxied("v2"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var local = V2(IPAddress.Loopback, 1, IPAddress.Loopback, 2);
        local[12] = 0x20; // version 2, command LOCAL
        await client.SendAsync(local);
        var id = await SendMessageAsync(client);
        Assert.Equal("127.0.0.1", Envelope(server, id).GetProperty("client").GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("PROXY TCP4 999.0.2.10 198.51.100.1 40000 25\r\n")]  // malformed address
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 40000\r\n")]     // a field missing
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 40000 25\n")]    // bare LF
    [InlineData("EHLO no-header.test\r\n")]                          // plain SMTP on a PROXY endpoint
    public async Task A_malformed_or_missing_header_closes_the_connection_without_a_reply(string sent)
    {
        await using var server = await TestServer.StartAsync(Proxied("any"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync(sent);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", client.Unread);
    }

    [Fact]
    public async Task A_v2_header_on_a_v1_only_endpoint_is_refused()
    {
        await using var server = await TestServer.StartAsync(Proxied("v1"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync(V2(IPAddress.Parse("192.0.2.1"), 1000, IPAddress.Parse("192.0.2.2"), 25));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", client.Unread);
    }

    [Fact]
    public async Task A_peer_outside_trusted_proxies_is_closed_without_a_reply()
    {
        await using var server = await TestServer.StartAsync(Proxied("any", trusted: "\"10.0.0.0/8\""));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("PROXY TCP4 192.0.2.10 198.51.100.1 40000 25\r\n");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", client.Unread);
    }

    [Fact]
    public async Task A_proxy_that_sends_no_header_is_cut_at_proxy_header_timeout()
    {
        await using var server = await TestServer.StartAsync(Proxied("any") + "\nactorsmtp.limits.proxy-header-timeout = 1s");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("PROXY TCP4 192.0.2.10");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", client.Unread);
    }

    [Fact]
    public async Task Per_client_limits_count_the_proxied_client_not_the_proxy()
    {
        await using var server = await TestServer.StartAsync(Proxied("v1") + "\nactorsmtp.limits.max-connections-per-client = 1");
        await using var first = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await first.SendAsync("PROXY TCP4 192.0.2.10 198.51.100.1 40000 25\r\n");
        await first.ExpectAsync("220");

        await using var same = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await same.SendAsync("PROXY TCP4 192.0.2.10 198.51.100.1 40001 25\r\n");
        await same.ExpectAsync("421 4.7.0");
        Assert.True(await same.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));

        await using var other = await RawSmtpClient.ConnectAsync(server.EndPoint); // same proxy, another client
        await other.SendAsync("PROXY TCP4 192.0.2.11 198.51.100.1 40002 25\r\n");
        await other.ExpectAsync("220");
    }

    [Fact]
    public async Task Bytes_right_behind_the_header_are_an_early_talker()
    {
        await using var server = await TestServer.StartAsync(Proxied("v1"));
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("PROXY TCP4 192.0.2.10 198.51.100.1 40000 25\r\nEHLO early.test\r\n");
        await client.ExpectAsync("554 5.5.1");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    private static async Task<string> SendMessageAsync(RawSmtpClient client)
    {
        await client.ExpectAsync("220 mx.test");
        await client.SendAsync("EHLO proxied.test\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await client.BeginDataAsync();
        await client.SendAsync("Subject: via proxy\r\n\r\nhello\r\n.\r\n");
        return (await client.ExpectAsync("250 2.0.0 Ok: queued as ")).Split(' ')[^1];
    }

    private static JsonElement Envelope(TestServer server, string id) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"))).RootElement;

    /// <summary>A PROXY v2 header for TCP over IPv4 or IPv6 (spec §2.2), without TLVs.</summary>
    private static byte[] V2(IPAddress source, int sourcePort, IPAddress destination, int destinationPort)
    {
        var v6 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var addressLength = v6 ? 36 : 12;
        var header = new byte[16 + addressLength];
        "\r\n\r\n\0\r\nQUIT\n"u8.CopyTo(header);
        header[12] = 0x21; // version 2, PROXY
        header[13] = (byte)(v6 ? 0x21 : 0x11); // TCP over IPv6 / IPv4
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)addressLength);
        var size = v6 ? 16 : 4;
        source.GetAddressBytes().CopyTo(header, 16);
        destination.GetAddressBytes().CopyTo(header, 16 + size);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + 2 * size), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + 2 * size), (ushort)destinationPort);
        return header;
    }
}
