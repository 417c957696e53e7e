using System.Net;
using System.Text;
using ActorSmtp.Sinks;
using ActorSmtp.TestSupport;
using MimeKit;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>A message to store through the real file sink: its envelope, and the MIME message MimeKit writes.</summary>
public sealed record TestMail
{
    private static long _clock = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();

    public string Id { get; init; } = Guid.NewGuid().ToString("N").ToUpperInvariant()[..26];

    /// <summary>Distinct and increasing by default (1 ms apart), as arrival is.</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _clock));

    public string MailFrom { get; init; } = "app@sender.test";

    public string[] RcptTo { get; init; } = ["user@rcpt.test"];

    public string? HeaderFrom { get; init; }

    public string[]? HeaderTo { get; init; }

    public string Subject { get; init; } = "Hello";

    public string? Text { get; init; } = "Hello there";

    public string? Html { get; init; }

    /// <summary>Files attached (Content-Disposition: attachment), by name.</summary>
    public IReadOnlyList<(string Name, byte[] Content)> Attachments { get; init; } = [];

    public bool Tls { get; init; }

    public string? AuthenticatedAs { get; init; }

    public MimeMessage Message()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(HeaderFrom ?? MailFrom));
        foreach (var to in HeaderTo ?? RcptTo)
            message.To.Add(MailboxAddress.Parse(to));
        message.Subject = Subject;
        var body = new BodyBuilder { TextBody = Text, HtmlBody = Html };
        foreach (var (name, content) in Attachments)
            body.Attachments.Add(name, content);
        message.Body = body.ToMessageBody();
        return message;
    }

    private byte[]? _bytes;

    /// <summary>The message's bytes, written once (MimeKit gives each writing a new Message-Id and Date).</summary>
    public byte[] Bytes() => _bytes ??= MimeMessages.WireBytes(Message());

    public SinkProtocol.Store Store()
    {
        var bytes = Bytes();
        var headerEnd = Encoding.ASCII.GetString(bytes).IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var envelope = new SmtpEnvelope(Id, ReceivedAt, MailFrom, RcptTo, new IPEndPoint(IPAddress.Loopback, 40000),
            new IPEndPoint(IPAddress.Loopback, 25), "client.test", Tls: Tls ? new TlsInfo("Tls13", "TLS_AES_256_GCM_SHA384", null) : null,
            AuthenticatedAs: AuthenticatedAs);
        return new SinkProtocol.Store(envelope, SniffedHeaders.Parse(bytes.AsMemory(0, headerEnd + 4)), MessageBody.FromChunks(bytes));
    }
}
