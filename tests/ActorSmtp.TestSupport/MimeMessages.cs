using MimeKit;

namespace ActorSmtp.TestSupport;

/// <summary>Messages for the MailKit-driven tests, and what MailKit puts on the wire for them.</summary>
public static class MimeMessages
{
    /// <summary>A plain-text message from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static MimeMessage Create(string subject, string body, string to = "rcpt@example.test", string from = "sender@example.test")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>The bytes MailKit puts on the wire for the message (CRLF line ends, before dot-stuffing): what a sink must store.</summary>
    public static byte[] WireBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    /// <summary>The id in the reply "2.0.0 Ok: queued as &lt;id&gt;".</summary>
    public static string QueuedId(string response) => response.Split(' ')[^1];
}
