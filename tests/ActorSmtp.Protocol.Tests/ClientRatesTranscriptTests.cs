using ActorSmtp.Protocol.Session;
using Xunit;
using static ActorSmtp.Protocol.Tests.SmtpSessionTranscriptTests;

namespace ActorSmtp.Protocol.Tests;

/// <summary>Per-client message and recipient rates as the session sees them: 452 4.7.0, counted as an error.</summary>
public sealed class ClientRatesTranscriptTests
{
    private sealed class Budget(int messages, int recipients) : IClientRates
    {
        public bool TryTakeMessage() => messages-- > 0;
        public bool TryTakeRecipient() => recipients-- > 0;
    }

    [Fact]
    public void Over_the_message_rate_MAIL_gets_452_4_7_0_and_only_accepted_commands_are_counted()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test")) { Rates = new Budget(messages: 1, recipients: 10) };
        Run(session, "C: EHLO c|S: 250|C: MAIL FROM:<bad|S: 501|C: MAIL FROM:<a@b.test>|S: 250 2.1.0|C: RSET|S: 250|" +
                     "C: MAIL FROM:<a@b.test>|S: 452 4.7.0 Error: too many messages from your address, try again later");
        Assert.Equal(SessionState.Ready, session.State);
    }

    [Fact]
    public void Over_the_recipient_rate_RCPT_gets_452_4_7_0_and_the_transaction_goes_on()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test")) { Rates = new Budget(messages: 10, recipients: 1) };
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
}
