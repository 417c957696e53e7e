using MimeKit;

namespace ActorSmtp.Server.Tests;

/// <summary>Plain-text messages for the MailKit-driven tests.</summary>
internal static class TestMessages
{
    public static MimeMessage Create(string subject, string body, string to = "rcpt@example.test", string from = "sender@example.test")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}
