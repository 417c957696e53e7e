using System.Net;
using System.Text;
using ActorSmtp.Samples.WebhookSink;
using ActorSmtp.Sinks;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Samples.Tests.WebhookSink;

/// <summary>What the endpoint receives (parts, headers, signature) and how its answers become SMTP replies.</summary>
public sealed class WebhookSinkSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit("akka.loglevel = ERROR", output), IAsyncLifetime
{
    private WebhookEndpoint _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await WebhookEndpoint.StartAsync();

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    private IActorRef Sink(string extra = "", Uri? url = null) => Sys.ActorOf(Props.Create(typeof(Samples.WebhookSink.WebhookSink),
        ConfigurationFactory.ParseString($"url = \"{url ?? _endpoint.Url}\"\n{extra}")));

    private static SinkProtocol.Store Store(string id, string message) => new(
        new SmtpEnvelope(id, new DateTimeOffset(2026, 11, 28, 17, 13, 17, 512, TimeSpan.Zero), "alice@example.com",
            ["bob@example.net", "carol@example.org"], new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40123),
            new IPEndPoint(IPAddress.Loopback, 25), "client.example.com", AuthenticatedAs: "alice"),
        SniffedHeaders.Parse(Encoding.ASCII.GetBytes("Message-ID: <m1@example.com>\r\nSubject: Hi\r\n")),
        MessageBody.FromChunks(Encoding.ASCII.GetBytes(message)));

    private async Task<SinkProtocol.Result> StoreAsync(IActorRef sink, string id = "ID1", string message = "Subject: Hi\r\n\r\nbody\r\n")
    {
        sink.Tell(Store(id, message), TestActor);
        var answer = await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(10));
        Assert.Equal(id, answer.MessageId);
        return answer;
    }

    [Fact]
    public async Task Posts_the_envelope_and_the_exact_message_as_multipart_with_a_verifiable_signature()
    {
        _endpoint.Location = "/mail/ID1";

        var stored = Assert.IsType<SinkProtocol.Stored>(await StoreAsync(Sink("secret = \"s3cret\"\nheaders { X-Api-Key = \"k1\" }")));

        Assert.Equal(new Uri(_endpoint.Url, "/mail/ID1").AbsoluteUri, stored.Location);
        var delivery = _endpoint.Received["ID1"];
        Assert.StartsWith("multipart/form-data", delivery.ContentType);
        Assert.Equal("k1", delivery.Headers["X-Api-Key"]);
        Assert.Equal("message/rfc822", delivery.Message.ContentType);
        Assert.Contains("filename=ID1.eml", delivery.Message.ContentDisposition);
        Assert.Equal("Subject: Hi\r\n\r\nbody\r\n"u8.ToArray(), delivery.Message.Content);
        var envelope = delivery.EnvelopeJson;
        Assert.Equal("ID1", envelope.GetProperty("id").GetString());
        Assert.Equal("alice@example.com", envelope.GetProperty("mail-from").GetString());
        Assert.Equal(["bob@example.net", "carol@example.org"], envelope.GetProperty("rcpt-to").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("2026-11-28T17:13:17.512Z", envelope.GetProperty("received-at").GetString());
        Assert.Equal("<m1@example.com>", envelope.GetProperty("message-id").GetString());
        Assert.Equal("alice", envelope.GetProperty("authenticated-as").GetString());
        // What a receiver does: HMAC-SHA256(secret, timestamp "." envelope part), compared in constant time.
        var expected = WebhookRequest.Signature("s3cret"u8.ToArray(), delivery.Headers["X-ActorSmtp-Timestamp"], delivery.Envelope.Content);
        Assert.Equal(expected, delivery.Headers["X-ActorSmtp-Signature"]);
        Assert.InRange(long.Parse(delivery.Headers["X-ActorSmtp-Timestamp"]), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Without_a_secret_requests_are_not_signed_and_Stored_names_the_url()
    {
        var stored = Assert.IsType<SinkProtocol.Stored>(await StoreAsync(Sink()));

        Assert.Equal(_endpoint.Url.AbsoluteUri, stored.Location);
        Assert.False(_endpoint.Received["ID1"].Headers.ContainsKey("X-ActorSmtp-Signature"));
    }

    [Theory]
    [InlineData(422, 554, "5.7.1")]
    [InlineData(400, 554, "5.7.1")]
    [InlineData(413, 552, "5.3.4")]
    public async Task A_verdict_on_the_message_is_a_permanent_failure(int status, int code, string enhancedCode)
    {
        _endpoint.StatusCode = status;

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(await StoreAsync(Sink()));

        Assert.Equal((code, enhancedCode), (refused.Code, refused.EnhancedCode));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(302)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Any_other_answer_is_a_temporary_failure(int status)
    {
        _endpoint.StatusCode = status;
        _endpoint.Location = "/elsewhere";

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(await StoreAsync(Sink()));

        Assert.Contains(status.ToString(), failure.Reason);
        Assert.Equal((451, "4.3.0"), (failure.Code, failure.EnhancedCode));
    }

    [Fact]
    public async Task An_endpoint_that_is_down_is_a_temporary_failure()
    {
        var closed = _endpoint.Url;
        await _endpoint.DisposeAsync();
        _endpoint = await WebhookEndpoint.StartAsync(); // for DisposeAsync; the sink posts to the closed port

        Assert.IsType<SinkProtocol.TemporaryFailure>(await StoreAsync(Sink(url: closed)));
    }

    [Fact]
    public async Task An_endpoint_slower_than_the_timeout_is_a_temporary_failure_in_time()
    {
        _endpoint.Delay = TimeSpan.FromSeconds(10);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(await StoreAsync(Sink("timeout = 300ms")));

        Assert.Contains("no answer within", failure.Reason);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_missing_or_relative_url_is_refused_naming_the_key()
    {
        foreach (var hocon in new[] { "", "url = \"/relative\"", "url = \"ftp://example.com/\"" })
        {
            var ex = Assert.Throws<ConfigurationException>(() => WebhookSettings.From(ConfigurationFactory.ParseString(hocon)));
            Assert.Contains("`url`", ex.Message);
        }
    }
}
