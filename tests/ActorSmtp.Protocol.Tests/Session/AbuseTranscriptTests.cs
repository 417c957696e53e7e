using System.Text;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Session;
using Xunit;
using static ActorSmtp.Protocol.Tests.Session.SmtpSessionTranscriptTests;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>
/// Protection against abuse at the protocol level (reliability anchors §4): HTTP requests and header lines get
/// Postfix's 221 and a close; junk commands past the limit count as errors.
/// </summary>
public sealed class AbuseTranscriptTests
{
    private static SmtpSession Session(int maxErrors = 20, int maxJunk = 100, bool closeOnNonSmtp = true) =>
        new(new SmtpSessionOptions("mx.test", maxErrors: maxErrors, maxJunkCommands: maxJunk, closeOnNonSmtpCommands: closeOnNonSmtp));

    [Theory]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("POST /login HTTP/1.0")]
    [InlineData("CONNECT mx.test:25 HTTP/1.1")]
    [InlineData("HEAD / HTTP/1.1")]
    [InlineData("PUT /x HTTP/1.1")]
    [InlineData("OPTIONS * HTTP/1.1")]
    [InlineData("DELETE /x HTTP/1.1")]
    [InlineData("get /")]
    [InlineData("GET")]
    [InlineData("Host: mx.test")]
    [InlineData("User-Agent: curl/8.0")]
    [InlineData("Subject:hello")]
    [InlineData("X-Forwarded-For: 1.2.3.4")]
    public void Non_smtp_lines_get_221_2_7_0_and_close_in_any_state(string line)
    {
        foreach (var prelude in new[] { "", "C: EHLO c|S: 250|", "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250 2.1.0|" })
        {
            var session = Session();
            Run(session, $"{prelude}C: {line}|S: 221 2.7.0 Error: I can break rules, too. Goodbye.");
            Assert.Equal(SessionState.Closed, session.State);
            var step = new SmtpSession(session.Options).Execute(Encoding.UTF8.GetBytes(line));
            Assert.Equal(SessionAction.Close, step.Action);
            Assert.Null(step.Farewell);
        }
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.test>")]
    [InlineData("RCPT TO:<r@x.test>")]
    [InlineData("FOO bar")]
    [InlineData("GETX /")]
    [InlineData(": no name")]
    [InlineData("Bad Header: x")]
    [InlineData("")]
    public void Smtp_verbs_and_other_unknown_commands_are_not_taken_for_http(string line)
    {
        Assert.Equal(NonSmtpKind.None, NonSmtpCommand.Classify(Encoding.UTF8.GetBytes(line)));
        Assert.NotEqual(SessionAction.Close, Session().Execute(Encoding.UTF8.GetBytes(line)).Action);
    }

    [Fact]
    public void Classify_tells_http_from_headers()
    {
        Assert.Equal(NonSmtpKind.HttpRequest, NonSmtpCommand.Classify("CONNECT 1.2.3.4:25 HTTP/1.1"u8));
        Assert.Equal(NonSmtpKind.HeaderLine, NonSmtpCommand.Classify("Accept-Encoding: gzip"u8));
        Assert.Equal(NonSmtpKind.None, NonSmtpCommand.Classify("EHLO c"u8));
    }

    [Fact]
    public void Non_smtp_detection_can_be_turned_off()
    {
        Run(Session(closeOnNonSmtp: false), "C: GET / HTTP/1.1|S: 500 5.5.2|C: Host: x|S: 500 5.5.2|C: NOOP|S: 250");
    }

    [Fact]
    public void An_auth_response_is_never_taken_for_a_header()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", auth: AuthMode.Optional), secure: true);
        Run(session, "C: EHLO c|S: 250|C: AUTH LOGIN|S: 334|C: GET:|S: 501 5.5.2");
        Assert.NotEqual(SessionState.Closed, session.State);
    }

    [Theory]
    [InlineData("NOOP")]
    [InlineData("RSET")]
    [InlineData("VRFY root")]
    [InlineData("HELP")]
    [InlineData("EHLO c")]
    [InlineData("HELO c")]
    public void Junk_commands_past_the_limit_count_as_errors_until_421(string junk)
    {
        var session = Session(maxErrors: 3, maxJunk: 5);
        var line = Encoding.UTF8.GetBytes(junk);
        for (var i = 0; i < 5; i++)
            Assert.Equal(SessionAction.Continue, session.Execute(line).Action);
        Assert.Equal(0, session.ErrorCount);

        Assert.Equal(SessionAction.Continue, session.Execute(line).Action);
        Assert.Equal(SessionAction.Continue, session.Execute(line).Action);
        Assert.Equal(2, session.ErrorCount);
        var last = session.Execute(line);
        Assert.True(last.Reply!.IsPositive, "the junk command itself still gets its ordinary reply");
        Assert.Equal(SessionAction.Close, last.Action);
        Assert.StartsWith("421 4.7.0", last.Farewell!.ToString());
        Assert.Equal(SessionState.Closed, session.State);
        Assert.Equal(8, session.JunkCommandCount);
    }

    [Fact]
    public void Mail_commands_are_not_junk_and_a_delivered_message_clears_the_count()
    {
        var session = Session(maxErrors: 2, maxJunk: 2);
        Run(session, "C: EHLO c|S: 250|C: NOOP|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r@x.test>|S: 250|C: DATA|S: 354|D:");
        Assert.Equal(0, session.JunkCommandCount);
        Run(session, "C: RSET|S: 250|C: NOOP|S: 250|C: NOOP|S: 250");
        Assert.Equal(1, session.ErrorCount);
        Assert.Equal(SessionAction.Close, session.Execute("NOOP"u8).Action);
    }

    [Fact]
    public void A_junk_limit_of_zero_counts_every_junk_command()
    {
        var session = Session(maxErrors: 1, maxJunk: 0);
        Assert.Equal(SessionAction.Close, session.Execute("NOOP"u8).Action);
    }
}
