using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace ActorSmtp.Server.Tests.Tls;

/// <summary>STARTTLS (RFC 3207) and implicit TLS over real sockets, with MailKit, openssl and raw transcripts.</summary>
public sealed class TlsTests
{
    private const string StartTlsEndpoint = "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls } ]";

    /// <summary>MailKit trusting exactly the server's self-signed certificate, nothing else.</summary>
    private static SmtpClient TrustingClient(TestServer server)
    {
        using var expected = X509CertificateLoader.LoadPkcs12FromFile(server.CertificateFile, password: null);
        var thumbprint = expected.Thumbprint;
        return new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && new X509Certificate2(certificate).Thumbprint == thumbprint,
        };
    }

    [Theory]
    [InlineData("starttls", SecureSocketOptions.StartTls)]
    [InlineData("implicit", SecureSocketOptions.SslOnConnect)]
    public async Task MailKit_delivers_over_tls_and_the_envelope_records_it(string mode, SecureSocketOptions options)
    {
        await using var server = await TestServer.StartAsync(
            $"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = 0, tls = {mode} }} ]");
        using var client = TrustingClient(server);
        await client.ConnectAsync("127.0.0.1", server.EndPoint.Port, options);
        Assert.True(client.IsSecure);
        await client.SendAsync(MimeMessages.Create("over TLS", "secret"));
        await client.DisconnectAsync(true);

        var (id, _) = Assert.Single(server.StoredMessages());
        var json = File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"));
        Assert.Contains("\"protocol\": \"Tls1", json);
        Assert.Contains("\"cipher-suite\": \"TLS_", json);
    }

    [Fact]
    public async Task Plaintext_pipelined_behind_starttls_is_never_executed()
    {
        await using var server = await TestServer.StartAsync(StartTlsEndpoint);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        var plain = tcp.GetStream();
        await ExpectLineAsync(plain, "220 ");
        await WriteAsync(plain, "EHLO c\r\n");
        Assert.Contains("250-STARTTLS", await ReadUntilAsync(plain, "250 ENHANCEDSTATUSCODES"));

        await WriteAsync(plain, "STARTTLS\r\nNOOP\r\n"); // CVE-2011-0411: the NOOP rides in the same packet
        await ExpectLineAsync(plain, "220 2.0.0 Ready to start TLS");
        await using var tls = new SslStream(plain, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");

        var early = new byte[64];
        var read = tls.ReadAsync(early).AsTask();
        Assert.False(await Task.WhenAny(read, Task.Delay(500)) == read, "the NOOP was answered");

        await WriteAsync(tls, "EHLO c\r\n");
        var ehlo = Encoding.ASCII.GetString(early, 0, await read) + await ReadUntilAsync(tls, "250 ENHANCEDSTATUSCODES");
        Assert.StartsWith("250-", ehlo); // the first reply after TLS is the EHLO's, so nothing answered the NOOP
        Assert.DoesNotContain("STARTTLS", ehlo); // RFC 3207 §4.2
        await WriteAsync(tls, "STARTTLS\r\n");
        await ExpectLineAsync(tls, "503 5.5.1");
    }

    [Fact]
    public async Task A_failed_handshake_closes_and_never_falls_back_to_plaintext()
    {
        await using var server = await TestServer.StartAsync(StartTlsEndpoint);
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\nSTARTTLS\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await client.ExpectAsync("220 2.0.0");
        await client.SendAsync("EHLO still-plaintext\r\nMAIL FROM:<a@b.test>\r\n");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(15)));
        Assert.DoesNotContain("250", client.Unread);
    }

    [Fact]
    public async Task Require_tls_refuses_mail_before_starttls_with_530()
    {
        await using var server = await TestServer.StartAsync(
            "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls, require-tls = on } ]");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\nMAIL FROM:<a@b.test>\r\nSTARTTLS now\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await client.ExpectAsync("530 5.7.0");
        await client.ExpectAsync("501 5.5.4");
    }

    [Fact]
    public async Task Openssl_s_client_negotiates_starttls()
    {
        await using var server = await TestServer.StartAsync(StartTlsEndpoint);
        var openssl = Process.Start(new ProcessStartInfo("openssl",
            ["s_client", "-connect", $"127.0.0.1:{server.EndPoint.Port}", "-starttls", "smtp", "-brief", "-ign_eof", "-crlf"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        await openssl.StandardInput.WriteAsync("EHLO x\nQUIT\n");
        openssl.StandardInput.Close();
        var output = await openssl.StandardOutput.ReadToEndAsync() + await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Matches("Protocol version: TLSv1\\.[23]", output);
        Assert.Contains("221 2.0.0", output);
    }

    [Fact]
    public async Task Swaks_delivers_with_starttls()
    {
        await using var server = await TestServer.StartAsync(StartTlsEndpoint);
        var swaks = Process.Start(new ProcessStartInfo("swaks",
            ["--server", $"127.0.0.1:{server.EndPoint.Port}", "--tls", "--from", "a@example.test", "--to", "b@example.test",
             "--h-Subject", "swaks over tls", "--body", "hello"]) { RedirectStandardOutput = true })!;
        var transcript = await swaks.StandardOutput.ReadToEndAsync();
        await swaks.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(swaks.ExitCode == 0, transcript);
        Assert.Contains("TLS started", transcript);
        Assert.Contains("250 2.0.0 Ok: queued as", transcript);
        Assert.Single(server.StoredMessages());
    }

    [Fact]
    public async Task The_self_signed_certificate_is_kept_for_the_next_start()
    {
        string first;
        string file;
        await using (var server = await TestServer.StartAsync(StartTlsEndpoint))
        {
            file = server.CertificateFile;
            first = X509CertificateLoader.LoadPkcs12FromFile(file, password: null).Thumbprint;
            var copy = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pfx");
            File.Copy(file, copy);
            file = copy;
        }
        try
        {
            await using var again = await TestServer.StartAsync(
                StartTlsEndpoint + $"\nactorsmtp.tls.self-signed-file = \"{file}\"");
            using var client = new SmtpClient { ServerCertificateValidationCallback = (_, c, _, _) => new X509Certificate2(c!).Thumbprint == first };
            await client.ConnectAsync("127.0.0.1", again.EndPoint.Port, SecureSocketOptions.StartTls);
            await client.DisconnectAsync(true);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sni_chooses_the_certificate_and_unknown_names_get_the_default()
    {
        var directory = Directory.CreateTempSubdirectory("actorsmtp-sni-").FullName;
        try
        {
            var a = MakePem(directory, "a");
            var b = MakePem(directory, "b");
            await using var server = await TestServer.StartAsync(StartTlsEndpoint + $$"""

                actorsmtp.tls.certificates = [
                  { names = ["a.test"], certificate = "{{a.Certificate}}", key = "{{a.Key}}" }
                  { names = ["*.b.test"], certificate = "{{b.Certificate}}", key = "{{b.Key}}" }
                ]
                """);
            var fallback = X509CertificateLoader.LoadPkcs12FromFile(server.CertificateFile, password: null).Thumbprint;
            Assert.Equal(a.Thumbprint, await ServedCertificateAsync(server, "a.test"));
            Assert.Equal(b.Thumbprint, await ServedCertificateAsync(server, "mx.b.test"));
            Assert.Equal(fallback, await ServedCertificateAsync(server, "other.test"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_replaced_certificate_file_is_served_to_the_next_connection()
    {
        var directory = Directory.CreateTempSubdirectory("actorsmtp-reload-").FullName;
        try
        {
            var first = MakePem(directory, "server");
            await using var server = await TestServer.StartAsync(StartTlsEndpoint +
                $"\nactorsmtp.tls {{ self-signed = off, certificate = \"{first.Certificate}\", key = \"{first.Key}\" }}");
            Assert.Equal(first.Thumbprint, await ServedCertificateAsync(server, "localhost"));

            var renewed = MakePem(directory, "server"); // same paths, new certificate: what a renewal does
            File.SetLastWriteTimeUtc(renewed.Certificate, DateTime.UtcNow.AddMinutes(1));
            Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);
            Assert.Equal(renewed.Thumbprint, await ServedCertificateAsync(server, "localhost"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A fresh certificate and key as PEM files named after <paramref name="name"/>.</summary>
    private static (string Certificate, string Key, string Thumbprint) MakePem(string directory, string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var (certificateFile, keyFile) = (Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key"));
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile, certificate.Thumbprint);
    }

    /// <summary>STARTTLS asking for <paramref name="serverName"/> by SNI; returns the thumbprint the server presented.</summary>
    private static async Task<string> ServedCertificateAsync(TestServer server, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        var plain = tcp.GetStream();
        await ExpectLineAsync(plain, "220 ");
        await WriteAsync(plain, "EHLO c\r\nSTARTTLS\r\n");
        await ReadUntilAsync(plain, "250 ENHANCEDSTATUSCODES");
        await ExpectLineAsync(plain, "220 2.0.0");
        string? presented = null;
        await using var tls = new SslStream(plain, leaveInnerStreamOpen: true, (_, certificate, _, _) =>
        {
            presented = new X509Certificate2(certificate!).Thumbprint;
            return true;
        });
        await tls.AuthenticateAsClientAsync(serverName);
        return presented!;
    }

    private static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private static async Task ExpectLineAsync(Stream stream, string prefix)
    {
        var text = await ReadUntilAsync(stream, "\r\n");
        Assert.StartsWith(prefix, text);
    }

    /// <summary>Reads byte by byte until <paramref name="marker"/> and the end of its line arrived.</summary>
    private static async Task<string> ReadUntilAsync(Stream stream, string marker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
                throw new IOException($"closed after: {text}");
            text.Append((char)one[0]);
            var s = text.ToString();
            var at = s.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && s.EndsWith("\r\n", StringComparison.Ordinal) && s.Length >= at + marker.Length)
                return s;
        }
    }
}
