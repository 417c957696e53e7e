using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>Implicit TLS (port 465 style) behind a PROXY-protocol proxy: header in plaintext, then TLS on the same bytes.</summary>
public sealed class ProxiedImplicitTlsTests
{
    private const string Config = """
        actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = implicit, proxy-protocol = v1 } ]
        actorsmtp.trusted-proxies = [ "127.0.0.0/8" ]
        """;

    /// <summary>Puts the PROXY header in front of the first write, so it shares a segment with the ClientHello.</summary>
    private sealed class HeaderFirst(Stream inner, byte[] header) : Stream
    {
        private byte[]? _header = header;
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _header, null) is { } header)
                await inner.WriteAsync((byte[])[.. header, .. buffer.Span], cancellationToken);
            else
                await inner.WriteAsync(buffer, cancellationToken);
        }
    }

    [Fact]
    public async Task The_handshake_after_the_header_works_even_in_the_same_segment_and_the_envelope_has_the_client()
    {
        await using var server = await TestServer.StartAsync(Config);
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.EndPoint);
        var header = Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.5 198.51.100.1 45000 465\r\n");
        await using var tls = new SslStream(new HeaderFirst(socket.GetStream(), header), leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");

        var reader = new StreamReader(tls, Encoding.ASCII);
        Assert.StartsWith("220 mx.test", await reader.ReadLineAsync());
        await tls.WriteAsync("EHLO proxied.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<r@x.test>\r\nDATA\r\n"u8.ToArray());
        string? line;
        do
            line = await reader.ReadLineAsync();
        while (line is not null && !line.StartsWith("354", StringComparison.Ordinal));
        await tls.WriteAsync("Subject: proxied tls\r\n\r\nhi\r\n.\r\n"u8.ToArray());
        var queued = await reader.ReadLineAsync();
        Assert.StartsWith("250 2.0.0 Ok: queued as ", queued);

        using var envelope = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, queued!.Split(' ')[^1] + ".json")));
        Assert.Equal("203.0.113.5", envelope.RootElement.GetProperty("client").GetProperty("address").GetString());
        Assert.NotEqual(JsonValueKind.Null, envelope.RootElement.GetProperty("tls").ValueKind);
    }

    [Theory]
    [InlineData("connection-rate-per-client")]
    [InlineData("tls-session-rate-per-client")]
    public async Task A_refused_client_is_closed_before_any_TLS(string rate)
    {
        await using var server = await TestServer.StartAsync(Config + $"\nactorsmtp.limits.{rate} = 1");
        for (var i = 0; i < 2; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(server.EndPoint);
            await socket.GetStream().WriteAsync("PROXY TCP4 203.0.113.6 198.51.100.1 45000 465\r\n"u8.ToArray());
            await using var tls = new SslStream(socket.GetStream(), leaveInnerStreamOpen: true, (_, _, _, _) => true);
            if (i == 0)
            {
                await tls.AuthenticateAsClientAsync("localhost");
                Assert.StartsWith("220", await new StreamReader(tls).ReadLineAsync());
            }
            else
                await Assert.ThrowsAnyAsync<IOException>(() => tls.AuthenticateAsClientAsync("localhost"));
        }
    }
}
