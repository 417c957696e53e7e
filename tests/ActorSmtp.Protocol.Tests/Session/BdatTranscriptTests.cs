using System.Text;
using ActorSmtp.Protocol.Session;
using Xunit;
using static ActorSmtp.Protocol.Tests.Session.SmtpSessionTranscriptTests;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>BDAT (RFC 3030) in the session: which chunk is read, which is refused, and that refused octets are still consumed.</summary>
public sealed class BdatTranscriptTests
{
    private const string Envelope = "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test>|S: 250 2.1.5";

    private static SmtpSession Session(bool chunking = true, int maxErrors = 20) =>
        new(new SmtpSessionOptions("mx.test", maxMessageSize: 10_000, maxErrors: maxErrors, chunking: chunking));

    public static TheoryData<string, string> Transcripts => new()
    {
        { "chunks then last", Envelope + "|C: BDAT 10|K:|S: 250 2.0.0 10 octets received|C: BDAT 5 LAST|D:|C: MAIL FROM:<a@b.test>|S: 250 2.1.0" },
        { "0 last ends the message", Envelope + "|C: BDAT 0 LAST|D:|C: MAIL FROM:<a@b.test>|S: 250 2.1.0" },
        { "last is case-insensitive", Envelope + "|C: bdat 3 last|D:|C: RSET|S: 250 2.0.0" },
        { "bdat before mail", "C: EHLO c|S: 250|C: BDAT 4|S: 503 5.5.1 Error: need MAIL command" },
        { "bdat before ehlo", "C: BDAT 4 LAST|S: 503 5.5.1" },
        { "bdat before rcpt", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: BDAT 4|S: 503 5.5.1 Error: need RCPT command" },
        { "a refused bdat ends the transaction", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: BDAT 4|S: 503|C: RCPT TO:<r@x.test>|S: 503 5.5.1 Error: need MAIL" },
        { "later chunks of a failed message are refused", Envelope + "|C: BDAT 10|K:|S: 250|C: BDAT 10 FIRST|S: 501 5.5.4 Syntax: BDAT count [LAST]|C: BDAT 10 LAST|S: 503 5.5.1|C: MAIL FROM:<a@b.test>|S: 250 2.1.0" },
        { "data after bdat", Envelope + "|C: BDAT 10|K:|S: 250|C: DATA|S: 503 5.5.1 Error: DATA after BDAT" },
        { "rcpt after bdat", Envelope + "|C: BDAT 10|K:|S: 250|C: RCPT TO:<s@x.test>|S: 503 5.5.1 Error: RCPT after BDAT" },
        { "mail after bdat", Envelope + "|C: BDAT 10|K:|S: 250|C: MAIL FROM:<a@b.test>|S: 503 5.5.1" },
        { "noop between chunks", Envelope + "|C: BDAT 10|K:|S: 250|C: NOOP|S: 250|C: BDAT 1 LAST|D:" },
        { "rset between chunks", Envelope + "|C: BDAT 10|K:|S: 250|C: RSET|S: 250 2.0.0|C: BDAT 1 LAST|S: 503 5.5.1 Error: need MAIL" },
        { "ehlo between chunks", Envelope + "|C: BDAT 10|K:|S: 250|C: EHLO c|S: 250|C: BDAT 1 LAST|S: 503 5.5.1 Error: need MAIL" },
        { "auth between chunks", Envelope + "|C: BDAT 10|K:|S: 250|C: AUTH PLAIN|S: 50" },
        { "oversize at the chunk that overflows", Envelope + "|C: BDAT 6000|K:|S: 250|C: BDAT 4001 LAST|S: 552 5.3.4|C: BDAT 1 LAST|S: 503 5.5.1" },
        { "exactly the limit", Envelope + "|C: BDAT 6000|K:|S: 250|C: BDAT 4000 LAST|D:" },
        { "bad last marker", Envelope + "|C: BDAT 10 LAST NOW|S: 501 5.5.4" },
        { "data still works", Envelope + "|C: DATA|S: 354" },
    };

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void Transcript(string name, string script)
    {
        Assert.NotEmpty(name);
        Run(Session(), script);
    }

    [Theory]
    [InlineData("BDAT 10", 10, false)]
    [InlineData("BDAT 10 LAST", 10, true)]
    [InlineData("BDAT   7   last", 7, true)]
    [InlineData("BDAT 0 LAST", 0, true)]
    [InlineData("BDAT 9223372036854775807", 9223372036854775807, false)]
    public void An_accepted_chunk_is_read_as_message_data(string command, long size, bool last)
    {
        var session = Session();
        Run(session, Envelope);
        var step = Execute(session, command);
        if (size > 10_000)
        {
            Assert.Equal(SessionAction.SkipChunk, step.Action); // over the size limit: 552, octets dropped
            Assert.StartsWith("552 5.3.4", step.Reply!.ToString());
        }
        else
        {
            Assert.Equal(SessionAction.BeginChunk, step.Action);
            Assert.Null(step.Reply); // the reply waits for the octets
            Assert.Equal(SessionState.ReceivingData, session.State);
        }
        Assert.Equal(new BdatChunk(size, last), step.Chunk);
    }

    [Theory]
    [InlineData("EHLO c|BDAT 25", "503 5.5.1", 25)]
    [InlineData("BDAT 3 LAST", "503 5.5.1", 3)]
    [InlineData("EHLO c|MAIL FROM:<a@b.test>|BDAT 12 LAST", "503 5.5.1", 12)]
    [InlineData("EHLO c|MAIL FROM:<a@b.test>|RCPT TO:<r@x.test>|BDAT 12 FIRST", "501 5.5.4", 12)]
    [InlineData("EHLO c|MAIL FROM:<a@b.test>|RCPT TO:<r@x.test>|BDAT 10001", "552 5.3.4", 10001)]
    public void A_refused_chunk_still_has_its_octets_consumed(string commands, string reply, long octets)
    {
        var session = Session();
        SessionStep step = default;
        foreach (var command in commands.Split('|'))
            step = Execute(session, command);
        Assert.Equal(SessionAction.SkipChunk, step.Action);
        Assert.Equal(octets, step.Chunk.Size);
        Assert.StartsWith(reply, step.Reply!.ToString());
        Assert.NotEqual(SessionState.ReceivingData, session.State);
    }

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT ")]
    [InlineData("BDAT LAST")]
    [InlineData("BDAT -5")]
    [InlineData("BDAT +5")]
    [InlineData("BDAT 1x")]
    [InlineData("BDAT 0x10 LAST")]
    [InlineData("BDAT 9223372036854775808")]
    [InlineData("BDAT 99999999999999999999 LAST")]
    public void An_unreadable_size_gets_521_and_closes(string command)
    {
        var session = Session();
        Run(session, Envelope);
        var step = Execute(session, command);
        Assert.Equal(SessionAction.Close, step.Action);
        Assert.StartsWith("521 5.5.4 Syntax: BDAT count [LAST]", step.Reply!.ToString());
        Assert.Equal(SessionState.Closed, session.State);
    }

    [Fact]
    public void Chunking_off_is_not_advertised_and_bdat_is_unknown()
    {
        var session = Session(chunking: false);
        Assert.DoesNotContain("CHUNKING", session.Options.EhloReply.ToString());
        Run(session, Envelope + "|C: BDAT 10 LAST|S: 500 5.5.2 Error: command not recognized");
        Assert.Equal(SessionAction.Continue, Execute(session, "BDAT 10").Action);
        Assert.Equal(SessionState.InTransaction, session.State);
    }

    [Fact]
    public void Chunking_is_advertised_before_and_after_tls_without_binarymime()
    {
        var options = new SmtpSessionOptions("mx.test", offerStartTls: true);
        Assert.Contains("250-CHUNKING", options.EhloReply.ToString());
        Assert.Contains("250-CHUNKING", options.SecureEhloReply.ToString());
        Assert.DoesNotContain("BINARYMIME", options.EhloReply.ToString());
        Run(Session(), "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test> BODY=BINARYMIME|S: 501 5.5.4");
    }

    [Theory]
    [InlineData("BDAT 0", true)]
    [InlineData("BDAT 1", false)]
    public void Empty_chunks_before_the_last_count_as_junk_commands(string chunk, bool closes)
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", maxErrors: 2, maxJunkCommands: 3));
        Run(session, Envelope); // EHLO is the first junk command
        SessionStep step = default;
        for (var i = 0; i < 10 && step.Action != SessionAction.Close; i++)
        {
            step = Execute(session, chunk);
            if (step.Action == SessionAction.BeginChunk)
                session.CompleteChunk();
        }
        Assert.Equal(closes, step.Action == SessionAction.Close);
        if (closes)
            Assert.StartsWith("421 4.7.0", step.Farewell!.ToString());
    }

    [Fact]
    public void A_refused_chunk_that_reaches_the_error_limit_closes_without_reading_it()
    {
        var session = Session(maxErrors: 2);
        Execute(session, "FOO");
        var step = Execute(session, "BDAT 100");
        Assert.Equal(SessionAction.Close, step.Action);
        Assert.StartsWith("421 4.7.0", step.Farewell!.ToString());
    }

    [Fact]
    public void The_running_total_is_the_transactions_chunk_octets()
    {
        var session = Session();
        Run(session, Envelope + "|C: BDAT 100|K:|C: BDAT 23|K:");
        Assert.Equal(123, session.Transaction!.ChunkOctets);
        Assert.Equal(SessionState.BetweenChunks, session.State);
        Assert.Throws<InvalidOperationException>(() => session.CompleteChunk());
    }

    private static SessionStep Execute(SmtpSession session, string command) => session.Execute(Encoding.UTF8.GetBytes(command));
}
