using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit2;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Connection;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>
/// The connection actor on its own: a real loopback socket on one side, a TestProbe standing in for
/// the sink on the other, so every sink answer (and silence) can be played and the SMTP reply checked.
/// </summary>
public sealed class ConnectionSpec() : TestKit("akka.loglevel = WARNING")
{
    private async Task<(RawSmtpClient Client, IActorRef Connection, Akka.TestKit.TestProbe Sink)> ConnectAsync(
        TimeSpan? sinkTimeout = null)
    {
        var sink = CreateTestProbe();
        var settings = new ConnectionSettings(new SmtpSessionOptions("mx.test", maxMessageSize: 10_000_000),
            TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), sinkTimeout ?? TimeSpan.FromMinutes(1), sink.Ref);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var accept = listener.AcceptAsync();
        var client = await RawSmtpClient.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        var connection = Sys.ActorOf(Props.CreateBy(new ConnectionActorProducer(settings)));
        connection.Tell(new ConnectionProtocol.Start(new SocketTransport(await accept)));
        await client.ExpectAsync("220 mx.test");
        await client.SendAsync("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<r@x.test>\r\nDATA\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        return (client, connection, sink);
    }

    private async Task<string> BodyOf(SinkProtocol.Store store) =>
        Encoding.ASCII.GetString((await store.Body.Source.RunAggregate(new List<byte>(), (all, chunk) =>
        {
            all.AddRange(chunk.ToArray());
            return all;
        }, Sys.Materializer())).ToArray());

    [Fact]
    public async Task Store_carries_envelope_headers_and_exact_body_and_250_follows_stored()
    {
        var (client, _, sink) = await ConnectAsync();
        await client.SendAsync("From: x@y.test\r\nTo: r@x.test\r\nSubject: hi\r\nMessage-ID: <1@y.test>\r\n\r\n..body\r\n.\r\n");
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        Assert.Equal("a@b.test", store.Envelope.MailFrom);
        Assert.Equal(["r@x.test"], store.Envelope.RcptTo);
        Assert.Equal("c", store.Envelope.HeloName);
        Assert.Equal("hi", store.Headers.Subject);
        Assert.Equal("<1@y.test>", store.Headers.MessageId);
        Assert.False(store.Headers.RecipientsDifferFrom(store.Envelope.RcptTo));
        Assert.EndsWith("\r\n\r\n.body\r\n", await BodyOf(store));

        sink.Reply(new SinkProtocol.Stored(store.MessageId, "somewhere"));
        await client.ExpectAsync($"250 2.0.0 Ok: queued as {store.MessageId}");
        await client.DisposeAsync();
    }

    [Fact]
    public async Task No_reply_before_the_sink_answers()
    {
        var (client, _, sink) = await ConnectAsync();
        await client.SendAsync("Subject: wait\r\n\r\nx\r\n.\r\nNOOP\r\n");
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        Assert.False(await client.IsClosedByServerAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal("", client.Unread); // neither the 250 nor the pipelined NOOP's reply yet
        sink.Reply(new SinkProtocol.Stored(store.MessageId, "x"));
        await client.ExpectAsync("250 2.0.0 Ok: queued as");
        await client.ExpectAsync("250 2.0.0 Ok");
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Temporary_failure_becomes_451_and_permanent_failure_its_5xx()
    {
        var (client, _, sink) = await ConnectAsync();
        await client.SendAsync("x\r\n.\r\n");
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        sink.Reply(new SinkProtocol.TemporaryFailure(store.MessageId, "disk full: /secret/path"));
        var reply = await client.ExpectAsync("451 4.3.0");
        Assert.DoesNotContain("secret", reply); // internal reasons stay in the log

        await client.BeginDataAsync();
        await client.SendAsync("y\r\n.\r\n");
        store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        sink.Reply(new SinkProtocol.PermanentFailure(store.MessageId, 554, "5.7.1", "Spam\r\n250 fake"));
        var refused = await client.ExpectAsync("554 5.7.1 Spam");
        Assert.DoesNotContain("\n", refused);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_temporary_failure_gives_451_4_3_0_without_leaking_its_reason()
    {
        var (client, _, sink) = await ConnectAsync();
        await client.SendAsync("x\r\n.\r\n");
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        sink.Reply(new SinkProtocol.TemporaryFailure(store.MessageId, "disk /dev/sda1 on fire"));
        var reply = await client.ExpectAsync("451 4.3.0");
        Assert.DoesNotContain("sda1", reply);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Silent_sink_gives_451_when_the_deadline_passes_and_a_late_answer_is_ignored()
    {
        var (client, connection, sink) = await ConnectAsync(sinkTimeout: TimeSpan.Zero);
        await client.SendAsync("x\r\n.\r\n");
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        connection.Tell(ConnectionProtocol.DeadlineExpired.Instance); // what the listener's heartbeat sends
        await client.ExpectAsync("451 4.3.0");
        sink.Reply(new SinkProtocol.Stored(store.MessageId, "late"));
        await client.SendAsync("NOOP\r\n");
        await client.ExpectAsync("250 2.0.0 Ok"); // the NOOP's reply, no stray 250 for the late answer
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Body_stream_fails_when_the_client_vanishes_mid_data()
    {
        var (client, _, sink) = await ConnectAsync();
        await client.SendAsync("Subject: gone\r\n\r\n" + new string('z', 100_000));
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        var body = store.Body.Source.RunWith(Sink.Ignore<ReadOnlyMemory<byte>>(), Sys.Materializer());
        await client.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => body.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Direct_reader_fails_too_when_the_client_vanishes_mid_data()
    {
        var (client, _, sink) = await ConnectAsync();
        await client.SendAsync("Subject: gone\r\n\r\n" + new string('z', 100_000));
        var store = await sink.ExpectMsgAsync<SinkProtocol.Store>();
        Assert.False(store.Body.IsComplete);
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in store.Body.ReadAllAsync())
            {
            }
        });
        await client.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Throws<InvalidOperationException>(() => store.Body.Source); // one read only
    }

    [Fact]
    public async Task A_sink_that_stops_reading_holds_the_client_only_until_the_deadline()
    {
        var (client, connection, sink) = await ConnectAsync(sinkTimeout: TimeSpan.Zero);
        await client.SendAsync("Subject: slow\r\n\r\n");
        var payload = Encoding.ASCII.GetBytes(new string('s', 2_000_000) + "\r\n.\r\n");
        var sending = client.SendAsync(payload);
        await sink.ExpectMsgAsync<SinkProtocol.Store>(); // never read: the body channel fills up
        await Task.Delay(300);
        connection.Tell(ConnectionProtocol.DeadlineExpired.Instance);
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        await client.ExpectAsync("451 4.3.0");
        await client.DisposeAsync();
    }
}
