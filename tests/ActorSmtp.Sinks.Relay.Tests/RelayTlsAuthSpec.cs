using Akka.Actor;
using ActorSmtp.Server.Auth;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>STARTTLS, implicit TLS and AUTH toward a second ActorSmtp (its self-signed certificate, its users).</summary>
public sealed class RelayTlsAuthSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    private static readonly byte[] Message = Bytes("Subject: secured\r\n\r\nover TLS\r\n");
    private static readonly string AliceHash = PasswordHash.Create("s3cret");

    private static Task<TestServer> UpstreamAsync(string tls, string auth = "off") => TestServer.StartAsync($$"""
        actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = {{tls}}, auth = {{auth}} } ]
        actorsmtp.auth { users = [ { name = "alice", password-hash = "{{AliceHash}}" } ] }
        """);

    private async Task<SinkProtocol.Result> StoreAsync(TestServer upstream, string block, string? id = null)
    {
        var sink = Sys.ActorOf(RelayBlocks.Props(RelayBlocks.Smarthost(upstream.EndPoint.Port, block)));
        sink.Tell(Store(id ?? NewId(), Message), TestActor);
        var result = await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(30));
        Sys.Stop(sink);
        return result;
    }

    private static string Json(TestServer upstream) =>
        System.IO.File.ReadAllText(Path.Combine(upstream.MailDirectory, Assert.Single(upstream.StoredMessages()).Key + ".json"));

    [Theory]
    [InlineData("starttls")]
    [InlineData("implicit")]
    public async Task Relays_over_tls_and_the_upstream_records_the_session(string tls)
    {
        await using var upstream = await UpstreamAsync(tls);
        var id = NewId();

        var result = await StoreAsync(upstream, $"tls = {tls}\nverify-certificate = off", id);

        Assert.IsType<SinkProtocol.Stored>(result);
        Assert.Contains("\"cipher-suite\": \"TLS_", Json(upstream));
        Assert.Equal(Bytes(RelayBlocks.ReceivedFor(id)).Concat(Message), Assert.Single(upstream.StoredMessages()).Value);
    }

    [Fact]
    public async Task A_certificate_that_does_not_verify_is_a_temporary_failure_and_nothing_is_sent()
    {
        await using var upstream = await UpstreamAsync("starttls");

        var result = await StoreAsync(upstream, "tls = starttls"); // self-signed, and not for 127.0.0.1

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((451, "4.4.1"), (failure.Code, failure.EnhancedCode));
        Assert.Contains("TLS", failure.Reason);
        Assert.Empty(upstream.StoredMessages());
    }

    [Fact]
    public async Task Starttls_required_but_not_offered_never_falls_back_to_plain_text()
    {
        await using var upstream = await TestServer.StartAsync();

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(await StoreAsync(upstream, "tls = starttls\nverify-certificate = off"));

        Assert.Contains("does not offer STARTTLS", failure.Reason);
        Assert.Empty(upstream.StoredMessages());
    }

    [Fact]
    public async Task Logs_in_with_the_password_from_a_file()
    {
        await using var upstream = await UpstreamAsync("starttls", auth: "required");
        var file = Path.GetTempFileName();
        await System.IO.File.WriteAllTextAsync(file, "s3cret\n"); // the newline an editor leaves is not part of it
        try
        {
            var result = await StoreAsync(upstream, $"tls = starttls\nverify-certificate = off\nauth {{ user = alice, password-file = \"{file}\" }}");

            Assert.IsType<SinkProtocol.Stored>(result);
            Assert.Contains("\"authenticated-as\": \"alice\"", Json(upstream));
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }

    [Fact]
    public async Task Logs_in_with_the_password_from_an_environment_variable()
    {
        await using var upstream = await UpstreamAsync("starttls", auth: "required");
        var variable = "RELAY_TEST_PASSWORD_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "s3cret");
        try
        {
            var result = await StoreAsync(upstream, $"tls = starttls\nverify-certificate = off\nauth {{ user = alice, password-env = {variable} }}");

            Assert.IsType<SinkProtocol.Stored>(result);
            Assert.Contains("\"authenticated-as\": \"alice\"", Json(upstream));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_refused_login_is_a_failure_of_the_sink_and_the_password_is_nowhere_in_it()
    {
        await using var upstream = await UpstreamAsync("starttls", auth: "required");
        var variable = "RELAY_TEST_PASSWORD_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "wrong-password");
        try
        {
            var result = await StoreAsync(upstream, $"tls = starttls\nverify-certificate = off\nauth {{ user = alice, password-env = {variable} }}");

            var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
            Assert.Equal((451, "4.4.1", null), (failure.Code, failure.EnhancedCode, failure.ReplyText));
            Assert.Contains("refused the login of alice", failure.Reason);
            Assert.DoesNotContain("wrong-password", failure.Reason);
            Assert.Empty(upstream.StoredMessages());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_password_file_that_cannot_be_read_is_a_failure_of_the_sink()
    {
        await using var upstream = await UpstreamAsync("starttls", auth: "required");

        var result = await StoreAsync(upstream, "tls = starttls\nverify-certificate = off\nauth { user = alice, password-file = \"/nonexistent/relay-password\" }");

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((451, "4.4.1"), (failure.Code, failure.EnhancedCode));
        Assert.Contains("cannot read the password of alice", failure.Reason);
    }
}
