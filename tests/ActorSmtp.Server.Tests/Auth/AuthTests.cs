using System.Diagnostics;
using ActorSmtp.Server.Auth;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace ActorSmtp.Server.Tests.Auth;

/// <summary>A custom authenticator: accepts a password that is the user name reversed, within a configured realm.</summary>
public sealed class ReversedNameAuthenticator(Akka.Configuration.Config config) : ActorSmtp.Authentication.AuthenticatorActor
{
    protected override Task<string?> AuthenticateAsync(ActorSmtp.Authentication.AuthenticatorProtocol.Authenticate request) =>
        Task.FromResult<string?>(new string(request.UserName.Reverse().ToArray()) == request.Password
            ? $"{config.GetString("realm")}/{request.UserName}"
            : null);
}

/// <summary>AUTH PLAIN/LOGIN end to end: only over TLS, hashed users, slow failures, lockout.</summary>
public sealed class AuthTests
{
    private static readonly string AliceHash = PasswordHash.Create("s3cret");

    private static Task<TestServer> StartAsync(string auth = "optional", string extra = "") => TestServer.StartAsync($$"""
        actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = starttls, auth = {{auth}} } ]
        actorsmtp.auth { users = [ { name = "alice", password-hash = "{{AliceHash}}" } ], max-failures = 2 }
        {{extra}}
        """);

    private static async Task<SmtpClient> ConnectAsync(TestServer server)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.EndPoint.Port, SecureSocketOptions.StartTls);
        return client;
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task A_valid_user_authenticates_over_tls_and_the_envelope_records_it(string mechanism)
    {
        await using var server = await StartAsync("required");
        using var client = await ConnectAsync(server);
        Assert.Contains(mechanism, client.AuthenticationMechanisms);
        client.AuthenticationMechanisms.RemoveWhere(m => m != mechanism);
        await client.AuthenticateAsync("alice", "s3cret");
        await client.SendAsync(MimeMessages.Create("authenticated", "hi", from: "alice@example.test"));
        await client.DisconnectAsync(true);

        var (id, _) = Assert.Single(server.StoredMessages());
        Assert.Contains("\"authenticated-as\": \"alice\"", File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json")));
    }

    [Fact]
    public async Task Plaintext_auth_gets_538_and_required_auth_gates_mail()
    {
        await using var server = await StartAsync("required");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\nAUTH PLAIN AGFsaWNlAHMzY3JldA==\r\nMAIL FROM:<a@b.test>\r\n");
        var ehlo = await client.ReadReplyAsync();
        Assert.DoesNotContain(ehlo, line => line.Contains("AUTH")); // RFC 4954 §4: not offered before TLS
        await client.ExpectAsync("538 5.7.11");
        await client.ExpectAsync("530 5.7.0"); // auth = required: no MAIL before a successful AUTH
    }

    [Fact]
    public async Task A_wrong_password_is_answered_late_with_535_and_repeated_failures_close()
    {
        await using var server = await StartAsync();
        using var client = await ConnectAsync(server);
        var watch = Stopwatch.StartNew();
        var first = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice", "wrong"));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"answered after {watch.Elapsed}"); // brute-force brake
        Assert.Contains("5.7.8", first.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsync("mallory", "guess")); // second of max-failures = 2
        await Assert.ThrowsAnyAsync<Exception>(() => client.NoOpAsync()); // the server said 421 and closed
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task A_custom_authenticator_configured_by_type_name_decides()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = starttls, auth = required } ]
            actorsmtp.auth { authenticator = "{{typeof(ReversedNameAuthenticator).AssemblyQualifiedName}}", realm = "test", failure-delay = 0s }
            """);
        using var client = await ConnectAsync(server);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice", "alice"));
        await client.AuthenticateAsync("alice", "ecila");
        await client.SendAsync(MimeMessages.Create("authenticated", "hi", from: "alice@example.test"));
        await client.DisconnectAsync(true);

        var (id, _) = Assert.Single(server.StoredMessages());
        Assert.Contains("\"authenticated-as\": \"test/alice\"", File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json")));
    }
}
