using ActorSmtp.Server.Auth;
using MailKit.Net.Smtp;
using MailKit.Security;
using Xunit;

namespace ActorSmtp.Policies.Tests.Http;

/// <summary>What the hook learns of a session over STARTTLS with AUTH: the TLS session and the identity.</summary>
public sealed class HttpPolicyTlsTests : IAsyncLifetime
{
    private PolicyHook _hook = null!;

    public async Task InitializeAsync() => _hook = await PolicyHook.StartAsync();

    public async Task DisposeAsync() => await _hook.DisposeAsync();

    [Fact]
    public async Task The_document_carries_the_tls_session_and_the_authenticated_identity()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = starttls, auth = optional } ]
            actorsmtp.auth.users = [ { name = "alice", password-hash = "{{PasswordHash.Create("s3cret")}}" } ]
            actorsmtp.policies = [ { type = http, url = "{{_hook.Url}}" } ]
            """);
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.EndPoint.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "s3cret");
        await client.SendAsync(MimeMessages.Create("over tls", "hi", to: "bob@x.test", from: "alice@example.test"));
        await client.DisconnectAsync(true);

        var body = Assert.Single(_hook.Requests).Body; // the type's default stages: rcpt only
        Assert.Equal("rcpt", body.GetProperty("stage").GetString());
        Assert.Equal("alice", body.GetProperty("authenticatedAs").GetString());
        var tls = body.GetProperty("tls");
        Assert.StartsWith("Tls", tls.GetProperty("protocol").GetString());
        Assert.False(string.IsNullOrEmpty(tls.GetProperty("cipherSuite").GetString()));
    }
}
