namespace ActorSmtp.LoadTests.Statistics;

/// The timed parts of an SMTP exchange, in the order they happen.
internal enum Step
{
    /// TCP connect until the 220 greeting has arrived.
    ConnectGreeting,
    /// EHLO sent until its final 250 line (STARTTLS and the second EHLO included when TLS is on).
    Ehlo,
    /// MAIL FROM sent until the last RCPT TO reply; pipelined clients send them in one write.
    MailRcpt,
    /// After the last RCPT reply until the 250 that follows the terminating ".".
    DataReply,
    /// The whole message as the sender sees it: from when it was due (open model) or picked up
    /// (closed model), including any connect it had to wait for, until the final 250.
    Message,
}

internal static class StepNames
{
    public static readonly Step[] All = Enum.GetValues<Step>();

    public static string Label(this Step step) => step switch
    {
        Step.ConnectGreeting => "connect+greeting",
        Step.Ehlo => "EHLO",
        Step.MailRcpt => "MAIL→RCPT",
        Step.DataReply => "DATA→250",
        Step.Message => "whole message",
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    /// Label without non-ASCII arrows, for CSV columns and file names.
    public static string Key(this Step step) => step switch
    {
        Step.ConnectGreeting => "connect_greeting",
        Step.Ehlo => "ehlo",
        Step.MailRcpt => "mail_rcpt",
        Step.DataReply => "data_250",
        Step.Message => "message",
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };
}
