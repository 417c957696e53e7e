using System.Text;
using ActorSmtp.Sinks.Relay.Smtp;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>What the relay puts on the wire, recorded by a scripted upstream: parameters, pipelining, BDAT framing, HELO.</summary>
public sealed class RelayWireSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    private static readonly string[] Everything = ["PIPELINING", "8BITMIME", "SMTPUTF8", "CHUNKING", "ENHANCEDSTATUSCODES"];

    private async Task<SinkProtocol.Result> StoreAsync(ScriptedUpstream upstream, SinkProtocol.Store store)
    {
        var sink = Sys.ActorOf(RelayBlocks.Props(RelayBlocks.Smarthost(upstream.Port)));
        sink.Tell(store, TestActor);
        var result = await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(20));
        Sys.Stop(sink);
        return result;
    }

    private static SinkProtocol.Store Utf8Store(string id, bool smtpUtf8, bool eightBit, params byte[][] body) =>
        new(Envelope(id, "ünïcode@example.net") with { SmtpUtf8 = smtpUtf8, EightBitMime = eightBit }, SniffedHeaders.Empty, Body(body));

    [Fact]
    public async Task Declares_SMTPUTF8_and_8BITMIME_where_the_client_did_and_the_upstream_offers_them()
    {
        await using var upstream = new ScriptedUpstream(Everything);

        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(upstream, Utf8Store(NewId(), true, true, Bytes("Subject: x\r\n\r\n\xE9\r\n"))));

        Assert.Contains("MAIL FROM:<sender@example.com> SMTPUTF8 BODY=8BITMIME", upstream.Commands);
        Assert.Contains("RCPT TO:<ünïcode@example.net>", upstream.Commands);
    }

    [Fact]
    public async Task Sends_8bit_content_without_the_parameter_to_an_upstream_that_does_not_know_it()
    {
        await using var upstream = new ScriptedUpstream(["PIPELINING"]);

        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(upstream, Utf8Store(NewId(), false, true, Bytes("Subject: x\r\n\r\n\xE9\r\n"))));

        Assert.Contains("MAIL FROM:<sender@example.com>", upstream.Commands);
    }

    [Fact]
    public async Task A_message_that_needs_SMTPUTF8_is_refused_5_6_7_by_an_upstream_without_it_before_MAIL()
    {
        await using var upstream = new ScriptedUpstream(["PIPELINING", "8BITMIME"]);

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(await StoreAsync(upstream, Utf8Store(NewId(), true, false, Bytes("x\r\n"))));

        Assert.Equal((553, "5.6.7"), (refused.Code, refused.EnhancedCode));
        Assert.DoesNotContain(upstream.Commands, command => command.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pipelines_MAIL_and_every_RCPT_in_one_write_when_offered()
    {
        await using var upstream = new ScriptedUpstream(Everything);
        var store = new SinkProtocol.Store(Envelope(NewId(), "a@example.net", "b@example.net"), SniffedHeaders.Empty, Body(Bytes("x\r\n")));

        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(upstream, store));

        // The last RCPT ends the write (a BDAT line has its chunk behind it, which is no pipelining).
        Assert.Equal(["MAIL FROM:<sender@example.com>", "RCPT TO:<a@example.net>"], upstream.Pipelined.Where(c => !c.StartsWith("BDAT", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Frames_a_body_in_BDAT_chunks_of_the_buffer_size_with_the_rest_in_LAST()
    {
        await using var upstream = new ScriptedUpstream(Everything);
        var id = NewId();
        var body = Enumerable.Range(0, 600_000).Select(i => (byte)('a' + i % 26)).ToArray();

        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(upstream, Store(id, body[..1000], body[1000..])));

        var total = RelayBlocks.ReceivedFor(id).Length + body.Length;
        var chunks = upstream.Commands.Where(command => command.StartsWith("BDAT", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"BDAT {OutgoingBuffer.DefaultSize}", $"BDAT {OutgoingBuffer.DefaultSize}", $"BDAT {total - 2 * OutgoingBuffer.DefaultSize} LAST"], chunks);
        Assert.DoesNotContain("DATA", upstream.Commands);
        Assert.Equal(Bytes(RelayBlocks.ReceivedFor(id)).Concat(body), upstream.Content.ToArray());
    }

    [Fact]
    public async Task Falls_back_to_HELO_and_plain_DATA_with_dot_stuffing_when_EHLO_is_refused()
    {
        await using var upstream = new ScriptedUpstream(keywords: null);
        var id = NewId();

        Assert.IsType<SinkProtocol.Stored>(await StoreAsync(upstream, Store(id, Bytes("Subject: x\r\n\r\n.one\r\n"), Bytes(".two\r\nthree\r\n"))));

        Assert.Equal(["EHLO relay.test", "HELO relay.test", "MAIL FROM:<sender@example.com>", "RCPT TO:<rcpt@example.net>", "DATA"], upstream.Commands.Take(5));
        Assert.Empty(upstream.Pipelined);
        Assert.Equal(RelayBlocks.ReceivedFor(id) + "Subject: x\r\n\r\n..one\r\n..two\r\nthree\r\n.\r\n", Encoding.Latin1.GetString(upstream.Content.ToArray()));
    }

    [Fact]
    public async Task Reuses_the_session_for_the_next_message_after_RSET()
    {
        await using var upstream = new ScriptedUpstream(Everything);
        var sink = Sys.ActorOf(RelayBlocks.Props(RelayBlocks.Smarthost(upstream.Port)));

        foreach (var id in new[] { NewId(), NewId() })
        {
            sink.Tell(Store(id, Bytes("x\r\n")), TestActor);
            await ExpectMsgAsync<SinkProtocol.Stored>(TimeSpan.FromSeconds(20));
        }

        Assert.Single(upstream.Commands, command => command.StartsWith("EHLO", StringComparison.Ordinal));
        Assert.Equal(2, upstream.Commands.Count(command => command.EndsWith(" LAST", StringComparison.Ordinal)));
        Assert.Contains("RSET", upstream.Commands);
    }
}
