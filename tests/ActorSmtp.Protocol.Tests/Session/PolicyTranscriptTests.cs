using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>Commands held for the server's policies: nothing changes until the decision, and a refusal is an error like any other.</summary>
public sealed class PolicyTranscriptTests
{
    private static readonly SmtpReply Unknown = SmtpReply.Create(550, "5.1.1", "<x@y.test>: Recipient address rejected: User unknown");

    private static SmtpSession Session(CheckedStages stages, int maxErrors = 20) =>
        new(new SmtpSessionOptions("mx.test", maxErrors: maxErrors) { CheckedStages = stages });

    private static SessionStep Run(SmtpSession session, string line) => session.Execute(System.Text.Encoding.UTF8.GetBytes(line));

    [Fact]
    public void Unchecked_stages_answer_at_once()
    {
        var session = Session(CheckedStages.RcptTo);
        Assert.Equal(SessionAction.Continue, Run(session, "EHLO c.test").Action);
        Assert.Equal("250 2.1.0 Ok", Run(session, "MAIL FROM:<a@b.test>").Reply!.ToString());
        Assert.Null(session.Pending);
    }

    [Fact]
    public void A_held_recipient_is_added_only_once_accepted()
    {
        var session = Session(CheckedStages.RcptTo);
        Run(session, "EHLO c.test");
        Run(session, "MAIL FROM:<a@b.test>");

        var step = Run(session, "RCPT TO:<x@y.test>");
        Assert.Equal(SessionAction.CheckPolicy, step.Action);
        Assert.Null(step.Reply);
        Assert.Equal("x@y.test", session.Pending!.Recipient!.ToString());
        Assert.Empty(session.Transaction!.Recipients);

        Assert.StartsWith("250 2.1.5", session.PolicyCompleted(null).Reply!.ToString());
        Assert.Single(session.Transaction!.Recipients);
        Assert.Null(session.Pending);
    }

    [Fact]
    public void A_refused_mail_opens_no_transaction_and_a_refused_helo_changes_nothing()
    {
        var session = Session(CheckedStages.Helo | CheckedStages.MailFrom);
        Assert.Equal(SessionAction.CheckPolicy, Run(session, "EHLO bad.test").Action);
        Assert.Equal("bad.test", session.Pending!.HeloName);
        session.PolicyCompleted(Unknown);
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Null(session.HeloName);

        Run(session, "EHLO good.test");
        session.PolicyCompleted(null);
        Assert.Equal(SessionAction.CheckPolicy, Run(session, "MAIL FROM:<a@b.test> SIZE=100").Action);
        Assert.Equal("SIZE=100", session.Pending!.ParameterText);
        Assert.Equal(Unknown, session.PolicyCompleted(Unknown).Reply);
        Assert.Null(session.Transaction);
        Assert.Equal(SessionState.Ready, session.State);
    }

    [Fact]
    public void Refusals_count_towards_the_error_limit()
    {
        var session = Session(CheckedStages.RcptTo, maxErrors: 2);
        Run(session, "EHLO c.test");
        Run(session, "MAIL FROM:<a@b.test>");
        Run(session, "RCPT TO:<x@y.test>");
        Assert.Equal(SessionAction.Continue, session.PolicyCompleted(Unknown).Action);
        Run(session, "RCPT TO:<x@y.test>");
        var last = session.PolicyCompleted(Unknown);
        Assert.Equal(SessionAction.Close, last.Action);
        Assert.StartsWith("421 4.7.0", last.Farewell!.ToString());
    }

    [Fact]
    public void A_decision_without_a_held_command_is_a_bug()
    {
        Assert.Throws<InvalidOperationException>(() => Session(CheckedStages.RcptTo).PolicyCompleted(null));
    }
}
