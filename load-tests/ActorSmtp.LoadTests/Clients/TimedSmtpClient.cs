using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace ActorSmtp.LoadTests.Clients;

/// MailKit's client with one timestamp added: when the last RCPT was accepted, which splits
/// MailKit's single SendAsync into MAIL→RCPT and DATA→250 steps.
internal sealed class TimedSmtpClient(IProtocolLogger logger) : SmtpClient(logger)
{
    public long? LastRecipientAccepted { get; set; }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        LastRecipientAccepted = Statistics.Timestamps.Now;
        base.OnRecipientAccepted(message, mailbox, response);
    }
}
