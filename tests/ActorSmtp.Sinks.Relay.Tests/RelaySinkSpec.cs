using System.Text;
using Akka.Actor;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>
/// The relay sink against real upstreams on 127.0.0.1: a second ActorSmtp storing with its file sink (BDAT, or DATA
/// with chunking off), compared byte for byte, and Postfix's smtp-sink (DATA, its own dumps).
/// </summary>
public sealed class RelaySinkSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    private static readonly byte[] Message = Bytes("From: a@example.com\r\nSubject: relayed\r\n\r\nline one\r\n.leading dot\r\n..two dots\r\n.\r\nlast\r\n");

    private async Task<SinkProtocol.Result> StoreAsync(int port, SinkProtocol.Store store, string extra = "")
    {
        var sink = Sys.ActorOf(RelayBlocks.Props(RelayBlocks.Smarthost(port, extra)));
        sink.Tell(store, TestActor);
        var result = await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(60));
        Sys.Stop(sink);
        return result;
    }

    [Theory]
    [InlineData("on")] // BDAT
    [InlineData("off")] // DATA, dot-stuffed on the way, unstuffed by the upstream
    public async Task Relays_the_exact_bytes_behind_one_Received_header(string chunking)
    {
        await using var upstream = await TestServer.StartAsync($"actorsmtp.chunking = {chunking}");
        var id = NewId();
        byte[][] chunks = [Message[..7], Message[7..50], Message[50..51], Message[51..]]; // a line start split from its dot

        var result = await StoreAsync(upstream.EndPoint.Port, Store(id, chunks));

        var stored = Assert.IsType<SinkProtocol.Stored>(result);
        Assert.Equal($"smtp://127.0.0.1:{upstream.EndPoint.Port}", stored.Location);
        var (_, bytes) = Assert.Single(upstream.StoredMessages());
        Assert.Equal(Bytes(RelayBlocks.ReceivedFor(id)).Concat(Message).ToArray(), bytes);
    }

    [Fact]
    public async Task Dot_stuffs_for_a_foreign_server_over_DATA()
    {
        await using var upstream = await SmtpSinkProcess.StartAsync();
        var id = NewId();

        var result = await StoreAsync(upstream.Port, Store(id, Message));

        Assert.IsType<SinkProtocol.Stored>(result);
        var expected = (RelayBlocks.ReceivedFor(id) + Encoding.Latin1.GetString(Message)).Replace("\r\n", "\n") + "\n";
        Assert.Equal(expected, await upstream.SingleMessageAsync());
    }

    [Fact]
    public async Task Ends_a_body_without_its_last_line_end_with_one_of_its_own_over_DATA()
    {
        await using var upstream = await SmtpSinkProcess.StartAsync();
        var id = NewId();

        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(upstream.Port, Store(id, Bytes("Subject: x\r\n\r\n.no end"))));

        Assert.EndsWith("\n\n.no end\n\n", await upstream.SingleMessageAsync()); // stuffed on the way, unstuffed there
    }

    [Fact]
    public async Task Streams_a_20_MB_body_to_the_upstream()
    {
        await using var upstream = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 64MiB");
        var id = NewId();
        var line = Bytes(new string('x', 998) + "\r\n");
        var chunk = Enumerable.Repeat(line, 64).SelectMany(l => l).ToArray(); // 64 000 bytes
        var body = StreamedBody(Enumerable.Repeat(chunk, 20 * 1024 * 1024 / chunk.Length + 1));

        var result = await StoreAsync(upstream.EndPoint.Port, Store(id, body));

        Assert.IsType<SinkProtocol.Stored>(result);
        var (_, bytes) = Assert.Single(upstream.StoredMessages());
        var received = RelayBlocks.ReceivedFor(id).Length;
        Assert.Equal(received + (20 * 1024 * 1024 / chunk.Length + 1) * chunk.Length, bytes.Length);
        Assert.True(bytes.AsSpan(received).SequenceEqual(Enumerable.Repeat(chunk, 20 * 1024 * 1024 / chunk.Length + 1).SelectMany(c => c).ToArray()));
    }

    [Fact]
    public async Task An_upstream_5xx_after_the_data_is_a_permanent_failure_with_its_codes()
    {
        await using var upstream = await TestServer.StartAsync(
            "actorsmtp.sink = reject\nactorsmtp.sinks.reject { code = 554, message = \"5.7.1 Message refused by policy\" }");

        var result = await StoreAsync(upstream.EndPoint.Port, Store(NewId(), Message));

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(result);
        Assert.Equal((554, "5.7.1", "Message refused by policy"), (refused.Code, refused.EnhancedCode, refused.Text));
    }

    [Fact]
    public async Task An_upstream_4xx_is_a_temporary_failure_with_its_codes_and_text()
    {
        await using var upstream = await SmtpSinkProcess.StartAsync(["-r", "MAIL", "-b", "452 4.3.1 Insufficient system storage"]);

        var result = await StoreAsync(upstream.Port, Store(NewId(), Message));

        var refused = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((452, "4.3.1", "Insufficient system storage"), (refused.Code, refused.EnhancedCode, refused.ReplyText));
    }

    [Fact]
    public async Task A_refused_recipient_refuses_the_message_with_the_upstream_reply_even_when_another_was_taken()
    {
        await using var upstream = await TestServer.StartAsync("actorsmtp.limits.max-recipients = 1");
        var store = new SinkProtocol.Store(Envelope(NewId(), "one@example.net", "two@example.net"), SniffedHeaders.Empty, Body(Message));

        var result = await StoreAsync(upstream.EndPoint.Port, store);

        var refused = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((452, "4.5.3"), (refused.Code, refused.EnhancedCode));
        Assert.Empty(upstream.StoredMessages()); // never a 250 for a message a recipient did not get
    }

    [Fact]
    public async Task A_refused_recipient_over_DATA_is_the_upstream_5xx()
    {
        await using var upstream = await SmtpSinkProcess.StartAsync(["-f", "RCPT", "-B", "550 5.1.1 User unknown"]);

        var result = await StoreAsync(upstream.Port, Store(NewId(), Message));

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(result);
        Assert.Equal((550, "5.1.1", "User unknown"), (refused.Code, refused.EnhancedCode, refused.Text));
    }

    [Fact]
    public async Task An_unreachable_upstream_is_a_temporary_failure_4_4_1_of_the_sink()
    {
        var nobody = FreePort.Tcp();

        var result = await StoreAsync(nobody, Store(NewId(), Message));

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((451, "4.4.1"), (failure.Code, failure.EnhancedCode));
        Assert.Null(failure.ReplyText); // the sink's own failure: a fallback may take the message
        Assert.Contains("cannot connect", failure.Reason);
    }

    [Fact]
    public async Task An_upstream_that_hangs_up_mid_message_is_a_temporary_failure_4_4_1()
    {
        await using var upstream = await SmtpSinkProcess.StartAsync(["-q", "."]);

        var result = await StoreAsync(upstream.Port, Store(NewId(), Message));

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((451, "4.4.1"), (failure.Code, failure.EnhancedCode));
    }

    [Fact]
    public async Task A_body_the_client_broke_off_never_reaches_the_upstream()
    {
        await using var upstream = await TestServer.StartAsync();
        var failing = FailingBody(new MessageBodyException(BodyFailureCause.ConnectionClosed, "client gone"), Message[..20]);

        var result = await StoreAsync(upstream.EndPoint.Port, Store(NewId(), failing));

        Assert.IsType<SinkProtocol.Abandoned>(result);
        await Task.Delay(300);
        Assert.Empty(upstream.StoredMessages());
    }
}
