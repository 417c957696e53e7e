using System.Text;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>
/// smtpscript-style transcripts: each "C:" line is executed, and the reply must start with the "S:"
/// text that follows it. "D:" ends a DATA phase (or the LAST BDAT chunk) as delivered, "X:" as not delivered;
/// "K:" completes a BDAT chunk before the last, its reply checked by the "S:" after it.
/// </summary>
public sealed class SmtpSessionTranscriptTests
{
    private static SmtpSessionOptions Options(int maxRecipients = 1000, int maxErrors = 20, string[]? domains = null) =>
        new("mx.test", maxMessageSize: 10_000, maxRecipients, maxErrors, domains);

    public static TheoryData<string, string> Transcripts => new()
    {
        { "ehlo advertises the extensions", "C: EHLO client.test|S: 250-mx.test|S: 250-PIPELINING|S: 250-SIZE 10000|S: 250-8BITMIME|S: 250-SMTPUTF8|S: 250-CHUNKING|S: 250 ENHANCEDSTATUSCODES" },
        { "ehlo without a domain", "C: EHLO|S: 501 5.5.4" },
        { "helo without a domain", "C: HELO |S: 501 5.5.4" },
        { "helo", "C: HELO client.test|S: 250 mx.test" },
        { "mail before ehlo", "C: MAIL FROM:<a@b.test>|S: 503 5.5.1" },
        { "rcpt before mail", "C: EHLO c|S: 250|C: RCPT TO:<a@b.test>|S: 503 5.5.1" },
        { "nested mail", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250 2.1.0|C: MAIL FROM:<a@b.test>|S: 503 5.5.1" },
        { "data without rcpt", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250 2.1.0|C: DATA|S: 503 5.5.1" },
        { "data before mail", "C: EHLO c|S: 250|C: DATA|S: 503 5.5.1" },
        { "data with an argument", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test>|S: 250|C: DATA now|S: 501 5.5.4" },
        { "null sender", "C: EHLO c|S: 250|C: MAIL FROM:<>|S: 250 2.1.0|C: RCPT TO:<r@x.test>|S: 250 2.1.5|C: DATA|S: 354" },
        { "a full transaction", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250 2.1.0|C: RCPT TO:<r@x.test>|S: 250 2.1.5|C: DATA|S: 354|D:|C: MAIL FROM:<a@b.test>|S: 250 2.1.0" },
        { "space after the colon is tolerated", "C: EHLO c|S: 250|C: MAIL FROM: <a@b.test>|S: 250 2.1.0" },
        { "case-insensitive verbs", "C: ehlo c|S: 250|C: mail from:<a@b.test>|S: 250 2.1.0|C: rCpT tO:<r@x.test>|S: 250 2.1.5" },
        { "sender without @", "C: EHLO c|S: 250|C: MAIL FROM:<nobody>|S: 501 5.1.7" },
        { "sender without brackets", "C: EHLO c|S: 250|C: MAIL FROM:a@b.test|S: 501 5.5.4" },
        { "unterminated path", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test|S: 501 5.5.4" },
        { "bad domain", "C: EHLO c|S: 250|C: MAIL FROM:<a@-b.test>|S: 501 5.1.7" },
        { "double dot local part", "C: EHLO c|S: 250|C: MAIL FROM:<a..b@b.test>|S: 501 5.1.7" },
        { "quoted local part", "C: EHLO c|S: 250|C: MAIL FROM:<\"a b>c\"@b.test>|S: 250 2.1.0" },
        { "address literal", "C: EHLO c|S: 250|C: MAIL FROM:<a@[127.0.0.1]>|S: 250 2.1.0" },
        { "source route is ignored", "C: EHLO c|S: 250|C: MAIL FROM:<@relay.test:a@b.test>|S: 250 2.1.0" },
        { "recipient without domain", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<bob>|S: 501 5.1.3" },
        { "postmaster without domain", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<Postmaster>|S: 250 2.1.5" },
        { "unknown mail parameter", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test> FOO=bar|S: 555 5.5.4 Unsupported option: FOO" },
        { "unknown rcpt parameter", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test> NOTIFY=NEVER|S: 555 5.5.4 Unsupported option: NOTIFY" },
        { "parameters after HELO", "C: HELO c|S: 250|C: MAIL FROM:<a@b.test> SIZE=10|S: 501 5.5.4" },
        { "declared size over the limit", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test> SIZE=10001|S: 552 5.3.4" },
        { "declared size within the limit", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test> SIZE=10000 BODY=8BITMIME|S: 250 2.1.0" },
        { "bad size value", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test> SIZE=ten|S: 501 5.5.4" },
        { "bad body value", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test> BODY=9BIT|S: 501 5.5.4" },
        { "utf8 sender without SMTPUTF8", "C: EHLO c|S: 250|C: MAIL FROM:<jörg@b.test>|S: 553 5.6.7" },
        { "utf8 addresses with SMTPUTF8", "C: EHLO c|S: 250|C: MAIL FROM:<jörg@b.test> SMTPUTF8|S: 250 2.1.0|C: RCPT TO:<用户@例子.广告>|S: 250 2.1.5" },
        { "utf8 recipient without SMTPUTF8", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<用户@例子.广告>|S: 553 5.6.7" },
        { "unknown command", "C: FOO bar|S: 500 5.5.2" },
        { "empty line", "C: |S: 500 5.5.2" },
        { "noop", "C: NOOP|S: 250 2.0.0|C: NOOP anything|S: 250 2.0.0" },
        { "rset ends the transaction", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test>|S: 250|C: RSET|S: 250 2.0.0|C: DATA|S: 503 5.5.1" },
        { "second ehlo resets the transaction", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test>|S: 250|C: EHLO c|S: 250|C: DATA|S: 503 5.5.1" },
        { "vrfy never discloses", "C: VRFY root|S: 252 2.5.2|C: VRFY|S: 501 5.5.4" },
        { "expn is not implemented", "C: EXPN staff|S: 502 5.5.1" },
        { "help", "C: HELP|S: 214 2.0.0" },
        { "quit", "C: QUIT|S: 221 2.0.0" },
        { "nul in a command", "C: NO\0OP|S: 500 5.5.2" },
    };

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void Transcript(string name, string script)
    {
        Assert.NotEmpty(name);
        Run(new SmtpSession(Options()), script);
    }

    [Fact]
    public void Starttls_is_offered_accepted_and_resets_the_session()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", offerStartTls: true, requireTls: true));
        Run(session, "C: EHLO c|S: 250-STARTTLS|C: MAIL FROM:<a@b.test>|S: 530 5.7.0|C: STARTTLS now|S: 501 5.5.4|C: STARTTLS|S: 220 2.0.0");
        Assert.Equal(SessionAction.StartTls, new SmtpSession(session.Options).Execute("STARTTLS"u8).Action);

        session.TlsEstablished();
        Assert.Null(session.HeloName);
        Assert.Equal(SessionState.Connected, session.State);
        Run(session, "C: MAIL FROM:<a@b.test>|S: 503 5.5.1|C: EHLO c|S: 250 ENHANCEDSTATUSCODES|C: STARTTLS|S: 503 5.5.1|C: MAIL FROM:<a@b.test>|S: 250 2.1.0");
        Assert.DoesNotContain("STARTTLS", session.Options.SecureEhloReply.ToString());
    }

    [Fact]
    public void Starttls_is_not_implemented_where_not_offered()
    {
        Run(new SmtpSession(Options()), "C: EHLO c|S: 250 ENHANCEDSTATUSCODES|C: STARTTLS|S: 502 5.5.1");
        Assert.DoesNotContain("STARTTLS", Options().EhloReply.ToString());
    }

    [Fact]
    public void Recipient_limit_gives_452_and_keeps_the_transaction()
    {
        Run(new SmtpSession(Options(maxRecipients: 2)),
            "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<1@x.test>|S: 250|C: RCPT TO:<2@x.test>|S: 250|" +
            "C: RCPT TO:<3@x.test>|S: 452 4.5.3|C: DATA|S: 354");
    }

    [Fact]
    public void Excess_recipients_count_as_errors_only_after_the_overshoot()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", maxRecipients: 1, maxErrors: 2, recipientOvershoot: 3));
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<1@x.test>|S: 250|" +
                     "C: RCPT TO:<2@x.test>|S: 452 4.5.3|C: RCPT TO:<3@x.test>|S: 452 4.5.3|C: RCPT TO:<4@x.test>|S: 452 4.5.3");
        Assert.Equal(0, session.ErrorCount);
        Run(session, "C: RCPT TO:<5@x.test>|S: 452 4.5.3");
        Assert.Equal(1, session.ErrorCount);
        var last = session.Execute("RCPT TO:<6@x.test>"u8);
        Assert.StartsWith("452 4.5.3", last.Reply!.ToString());
        Assert.Equal(SessionAction.Close, last.Action);
        Assert.StartsWith("421 4.7.0", last.Farewell!.ToString());
    }

    [Fact]
    public void The_recipient_overshoot_is_counted_per_transaction()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", maxRecipients: 1, recipientOvershoot: 1));
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<1@x.test>|S: 250|C: RCPT TO:<2@x.test>|S: 452 4.5.3|" +
                     "C: RSET|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<1@x.test>|S: 250|C: RCPT TO:<2@x.test>|S: 452 4.5.3");
        Assert.Equal(0, session.ErrorCount);
    }

    [Fact]
    public void Accepted_domains_refuse_others_with_554_5_7_1()
    {
        var session = new SmtpSession(Options(domains: ["x.test"]));
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@y.test>|S: 554 5.7.1|" +
                     "C: RCPT TO:<r@X.TEST>|S: 250 2.1.5|C: RCPT TO:<postmaster>|S: 250 2.1.5");
        Assert.Equal(["r@X.TEST", "postmaster"], session.Transaction!.Recipients.Select(r => r.ToString()));
    }

    [Fact]
    public void Error_limit_closes_with_421_4_7_0()
    {
        var session = new SmtpSession(Options(maxErrors: 3));
        Assert.Equal(SessionAction.Continue, session.Execute("FOO"u8).Action);
        Assert.Equal(SessionAction.Continue, session.Execute("BAR"u8).Action);
        var last = session.Execute("BAZ"u8);
        Assert.Equal(SessionAction.Close, last.Action);
        Assert.StartsWith("500 5.5.2", last.Reply!.ToString());
        Assert.StartsWith("421 4.7.0", last.Farewell!.ToString());
        Assert.Equal(SessionState.Closed, session.State);
    }

    [Fact]
    public void A_delivered_message_forgives_earlier_errors()
    {
        var session = new SmtpSession(Options(maxErrors: 2));
        Run(session, "C: EHLO c|S: 250|C: FOO|S: 500|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test>|S: 250|C: DATA|S: 354|D:");
        Assert.Equal(SessionAction.Continue, session.Execute("FOO"u8).Action);
    }

    [Fact]
    public void Framing_rejections_are_500_5_5_2_and_count_as_errors()
    {
        var session = new SmtpSession(Options());
        Assert.StartsWith("500 5.5.2", session.Reject(LineStatus.TooLong).Reply!.ToString());
        Assert.StartsWith("500 5.5.2", session.Reject(LineStatus.BareLineFeed).Reply!.ToString());
        Assert.Equal(2, session.ErrorCount);
    }

    [Fact]
    public void Every_reply_after_ehlo_carries_an_enhanced_code_of_its_class()
    {
        var session = new SmtpSession(Options(maxErrors: 1000));
        session.Execute("EHLO c"u8);
        string[] commands =
        [
            "MAIL FROM:<a@b.test>", "MAIL FROM:<a@b.test>", "RCPT TO:<x>", "RCPT TO:<r@x.test> X=1", "RCPT TO:<r@x.test>",
            "NOOP", "VRFY a", "HELP", "EXPN a", "FOO", "RSET", "RCPT TO:<r@x.test>", "MAIL FROM:<a@b.test> SIZE=999999",
            "MAIL FROM:<jörg@b.test>", "STARTTLS", "AUTH PLAIN", "QUIT",
        ];
        foreach (var command in commands)
        {
            var reply = session.Execute(Encoding.UTF8.GetBytes(command)).Reply!;
            Assert.NotNull(reply.EnhancedCode);
            Assert.Equal((char)('0' + reply.Code / 100), reply.EnhancedCode![0]);
        }
    }

    internal static void Run(SmtpSession session, string script)
    {
        SmtpReply? last = null;
        foreach (var step in script.Split('|'))
        {
            var (kind, text) = (step[..2], step.Length > 3 ? step[3..] : "");
            switch (kind)
            {
                case "C:":
                    var result = session.Execute(Encoding.UTF8.GetBytes(text));
                    last = result.Reply;
                    break;
                case "S:":
                    Assert.NotNull(last);
                    var lines = last!.ToString().Split("\r\n");
                    Assert.Contains(lines, l => l.StartsWith(text, StringComparison.Ordinal));
                    break;
                case "K:":
                    last = session.CompleteChunk();
                    break;
                case "D:":
                case "X:":
                    session.CompleteData(delivered: kind == "D:");
                    break;
                default:
                    throw new InvalidOperationException($"bad step {step}");
            }
        }
    }
}
