using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ActorSmtp.Server.Auth;
using MailKit.Net.Smtp;
using MailKit.Security;
using Xunit;

namespace ActorSmtp.Server.Tests.Listener;

/// <summary>
/// The per-client AUTH rate (Postfix smtpd_client_auth_rate_limit) and new TLS session rate
/// (smtpd_client_new_tls_session_rate_limit), across the connections of one client.
/// </summary>
public sealed class AuthAndTlsSessionRateTests
{
    private const string Untrusted = "actorsmtp.trusted-networks = []\n";
    private static readonly string AliceHash = PasswordHash.Create("s3cret");

    /// <summary>Plaintext AUTH (allow-insecure-auth), so that raw transcripts show every reply; no failure delay.</summary>
    private static string AuthServer(int rate) => $$"""
        actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, auth = optional } ]
        actorsmtp.auth { users = [ { name = "alice", password-hash = "{{AliceHash}}" } ], allow-insecure-auth = on, failure-delay = 0s }
        actorsmtp.limits.auth-rate-per-client = {{rate}}
        """;

    private static string Plain(string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    /// <summary>One AUTH PLAIN on a connection of its own; returns the reply's first line.</summary>
    private static async Task<string> AuthOnNewConnectionAsync(TestServer server, string password, IPAddress? from = null)
    {
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint, from);
        await client.SendAsync($"AUTH PLAIN {Plain("alice", password)}\r\n");
        return (await client.ReadReplyAsync())[0];
    }

    [Fact]
    public async Task Over_the_auth_rate_AUTH_gets_450_4_7_1_even_on_a_new_connection_whatever_the_earlier_outcomes()
    {
        await using var server = await TestServer.StartAsync(Untrusted + AuthServer(rate: 3));
        Assert.StartsWith("235 2.7.0", await AuthOnNewConnectionAsync(server, "s3cret"));
        Assert.StartsWith("535 5.7.8", await AuthOnNewConnectionAsync(server, "guess1"));
        Assert.StartsWith("535 5.7.8", await AuthOnNewConnectionAsync(server, "guess2"));

        await using var fourth = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await fourth.SendAsync($"AUTH PLAIN {Plain("alice", "s3cret")}\r\nNOOP\r\nAUTH LOGIN\r\n");
        await fourth.ExpectAsync("450 4.7.1 Error: too many AUTH commands"); // the right password is not even looked at
        await fourth.ExpectAsync("250 2.0.0"); // the session stays open
        await fourth.ExpectAsync("450 4.7.1"); // no 334 challenge: no SASL exchange starts
    }

    [Fact]
    public async Task A_trusted_client_is_not_held_to_the_auth_rate()
    {
        await using var server = await TestServer.StartAsync(AuthServer(rate: 1) + "\nactorsmtp.trusted-networks = [ \"127.0.0.2\" ]");
        var untrusted = IPAddress.Loopback;
        var trusted = IPAddress.Parse("127.0.0.2");
        Assert.StartsWith("535", await AuthOnNewConnectionAsync(server, "guess", untrusted));
        Assert.StartsWith("450 4.7.1", await AuthOnNewConnectionAsync(server, "s3cret", untrusted));
        for (var i = 0; i < 3; i++)
            Assert.StartsWith("235 2.7.0", await AuthOnNewConnectionAsync(server, "s3cret", trusted));
    }

    [Fact]
    public async Task Over_the_tls_session_rate_STARTTLS_gets_421_4_7_0_and_the_connection_closes()
    {
        await using var server = await AtItsTlsSessionRateAsync("starttls", SecureSocketOptions.StartTls);

        await using var third = await RawSmtpClient.GreetedAsync(server.EndPoint); // plaintext SMTP is not limited, only the handshake
        await third.SendAsync("STARTTLS\r\n");
        await third.ExpectAsync("421 4.7.0 mx.test Error: too many new TLS sessions");
        Assert.True(await third.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Over_the_tls_session_rate_an_implicit_tls_connection_is_closed_before_the_handshake()
    {
        await using var server = await AtItsTlsSessionRateAsync("implicit", SecureSocketOptions.SslOnConnect);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        var handshake = await Record.ExceptionAsync(() => tls.AuthenticateAsClientAsync("localhost"));
        Assert.True(handshake is IOException or System.Security.Authentication.AuthenticationException, $"the handshake ended with {handshake?.GetType().Name ?? "success"}");

        await using var fourth = await RawSmtpClient.ConnectAsync(server.EndPoint);
        Assert.True(await fourth.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", fourth.Unread); // no plaintext reply on a TLS port
    }

    /// <summary>A server with tls-session-rate-per-client = 2 on which this client used up both TLS sessions (MailKit).</summary>
    private static async Task<TestServer> AtItsTlsSessionRateAsync(string tls, SecureSocketOptions options)
    {
        var server = await TestServer.StartAsync(Untrusted + $$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = {{tls}} } ]
            actorsmtp.limits.tls-session-rate-per-client = 2
            """);
        try
        {
            for (var i = 0; i < 2; i++)
            {
                using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
                await client.ConnectAsync("127.0.0.1", server.EndPoint.Port, options);
                Assert.True(client.IsSecure);
                await client.DisconnectAsync(true);
            }
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
