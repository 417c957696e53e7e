using ActorSmtp.Protocol.Session;
using Xunit;
using static ActorSmtp.Protocol.Tests.Session.SmtpSessionTranscriptTests;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>
/// Per-client rates as the session sees them: messages and recipients (452 4.7.0) and AUTH commands (450 4.7.1),
/// counted as errors; new TLS sessions (421 4.7.0 and close).
/// </summary>
public sealed class ClientRatesTranscriptTests
{
    private sealed class Budget(int messages = 10, int recipients = 10, int auths = 10, int tlsSessions = 10) : IClientRates
    {
        public bool TryTakeMessage() => messages-- > 0;
        public bool TryTakeRecipient() => recipients-- > 0;
        public bool TryTakeAuth() => auths-- > 0;
        public bool TryTakeTlsSession() => tlsSessions-- > 0;
    }

    [Fact]
    public void Over_the_message_rate_MAIL_gets_452_4_7_0_and_only_accepted_commands_are_counted()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test")) { Rates = new Budget(messages: 1) };
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<bad|S: 501|C: MAIL FROM:<a@b.test>|S: 250 2.1.0|C: RSET|S: 250|" +
                     "C: MAIL FROM:<a@b.test>|S: 452 4.7.0 Error: too many messages from your address, try again later");
        Assert.Equal(SessionState.Ready, session.State);
    }

    [Fact]
    public void Over_the_recipient_rate_RCPT_gets_452_4_7_0_and_the_transaction_goes_on()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test")) { Rates = new Budget(recipients: 1) };
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 250|C: RCPT TO:<r1@x.test>|S: 250 2.1.5|" +
                     "C: RCPT TO:<r2@x.test>|S: 452 4.7.0|C: DATA|S: 354");
    }

    [Fact]
    public void Rate_refusals_count_towards_max_errors()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", maxErrors: 2)) { Rates = new Budget(messages: 0, recipients: 0) };
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<a@b.test>|S: 452 4.7.0");
        var step = session.Execute("MAIL FROM:<a@b.test>"u8);
        Assert.Equal(SessionAction.Close, step.Action);
        Assert.StartsWith("421 4.7.0", step.Farewell!.ToString());
        Assert.Equal(SessionState.Closed, session.State);
    }

    [Fact]
    public void Over_the_auth_rate_AUTH_gets_450_4_7_1_without_any_SASL_exchange_and_counts_as_an_error()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", auth: AuthMode.Optional), secure: true) { Rates = new Budget(auths: 1) };
        session.Execute("EHLO c"u8);
        Assert.Equal("334 VXNlcm5hbWU6", session.Execute("AUTH LOGIN"u8).Reply!.ToString()); // the one AUTH the rate allows
        Assert.StartsWith("501", session.Execute("*"u8).Reply!.ToString()); // cancelled: it still counted
        var errors = session.ErrorCount;

        var refused = session.Execute("AUTH PLAIN AGFsaWNlAHB3"u8);
        Assert.Equal("450 4.7.1 Error: too many AUTH commands from your address", refused.Reply!.ToString());
        Assert.Equal(SessionAction.Continue, refused.Action); // no Authenticate: the credentials are never checked
        Assert.Null(refused.Credentials);
        Assert.False(session.InAuthExchange);
        Assert.Equal(errors + 1, session.ErrorCount);
        Assert.Equal(SessionState.Ready, session.State); // the session stays open
        Assert.StartsWith("450 4.7.1", session.Execute("AUTH LOGIN"u8).Reply!.ToString()); // no 334 challenge either
    }

    [Fact]
    public void Over_the_tls_session_rate_STARTTLS_gets_421_4_7_0_and_the_session_closes()
    {
        var options = new SmtpSessionOptions("mx.test", offerStartTls: true);
        var session = new SmtpSession(options) { Rates = new Budget(tlsSessions: 0) };
        session.Execute("EHLO c"u8);

        var refused = session.Execute("STARTTLS"u8);
        Assert.Equal("421 4.7.0 mx.test Error: too many new TLS sessions from your address", refused.Reply!.ToString());
        Assert.Equal(SessionAction.Close, refused.Action); // no handshake
        Assert.Equal(SessionState.Closed, session.State);

        var allowed = new SmtpSession(options) { Rates = new Budget(tlsSessions: 1) };
        allowed.Execute("EHLO c"u8);
        Assert.Equal(SessionAction.StartTls, allowed.Execute("STARTTLS"u8).Action);
    }
}
