using System.Text;
using ActorSmtp.LoadTests.Scenarios;
using MimeKit;

namespace ActorSmtp.LoadTests.Clients;

/// The messages a scenario sends, built once per size before the run so the send loop
/// only copies bytes. Every session shares the same read-only arrays.
internal sealed class MessageBodies
{
    public const string Sender = "load@localhost";

    // 78 printable characters + CRLF per line (RFC 5322 §2.1.1's recommended limit).
    private const int LineLength = 80;
    // What MailKit adds around our text (MIME headers, Date, Message-Id) is about this much.
    private const int MimeOverhead = 320;

    private const int TerminatorLength = 3; // ".\r\n"

    private readonly Dictionary<long, byte[]> _wire;
    private readonly Dictionary<long, byte[]> _text;
    private readonly Dictionary<long, byte[]> _bdat;

    public MessageBodies(MessageSizeMix sizes, int recipients, byte[]? file = null)
    {
        Recipients = Enumerable.Range(1, recipients).Select(i => $"rcpt{i}@localhost").ToArray();
        var headers = Encoding.ASCII.GetBytes(
            $"From: <{Sender}>\r\nTo: <{Recipients[0]}>\r\nSubject: ActorSmtp load test\r\n\r\n");
        _wire = file is null ? sizes.Sizes.ToDictionary(s => s, s => WireMessage(headers, s)) : new() { [file.Length] = Terminated(file) };
        _text = sizes.Sizes.ToDictionary(s => s, s => Lines(Math.Max(2, s - MimeOverhead)));
        _bdat = _wire.ToDictionary(w => w.Key, w => Encoding.ASCII.GetBytes($"BDAT {w.Value.Length - TerminatorLength} LAST\r\n"));
    }

    public IReadOnlyList<string> Recipients { get; }

    /// Headers and body, CRLF line ends, then the terminating ".\r\n" (RFC 5321 §4.1.1.4).
    /// No line starts with '.', so no dot-stuffing is needed.
    public ReadOnlyMemory<byte> Wire(long size) => _wire[size];

    /// The same message without the terminator: what one BDAT chunk carries (RFC 3030 has no dot-stuffing).
    public ReadOnlyMemory<byte> Content(long size) => _wire[size].AsMemory(0, _wire[size].Length - TerminatorLength);

    /// "BDAT n LAST" for <see cref="Content"/> of that size, so the send loop formats nothing.
    public ReadOnlyMemory<byte> LastChunkCommand(long size) => _bdat[size];

    /// A fresh MimeMessage per send, as applications build them; the text is shared, not copied.
    public MimeMessage NewMimeMessage(long size)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Sender));
        message.To.Add(MailboxAddress.Parse(Recipients[0]));
        message.Subject = "ActorSmtp load test";
        message.Body = new TextPart("plain")
        {
            Content = new MimeContent(new MemoryStream(_text[size], writable: false), ContentEncoding.SevenBit),
            ContentTransferEncoding = ContentEncoding.SevenBit,
        };
        return message;
    }

    /// Fills the whole destination (at least 2 bytes) with CRLF-ended lines of letters.
    public static void FillLines(Span<byte> destination)
    {
        int position = 0;
        while (position < destination.Length)
        {
            int remaining = destination.Length - position;
            int line = Math.Min(LineLength, remaining);
            if (remaining - line == 1)
                line--; // never leave a 1-byte tail that cannot hold a CRLF
            for (int i = 0; i < line - 2; i++)
                destination[position + i] = (byte)('a' + i % 26);
            destination[position + line - 2] = (byte)'\r';
            destination[position + line - 1] = (byte)'\n';
            position += line;
        }
    }

    /// A message file as DATA sends it: lines starting with '.' doubled (RFC 5321 §4.5.2), then ".\r\n".
    private static byte[] Terminated(byte[] message)
    {
        var text = Encoding.Latin1.GetString(message).Replace("\r\n.", "\r\n..");
        if (text.StartsWith('.'))
            text = "." + text;
        return Encoding.Latin1.GetBytes(text + (text.EndsWith("\r\n") ? "" : "\r\n") + ".\r\n");
    }

    private static byte[] WireMessage(byte[] headers, long size)
    {
        var terminator = ".\r\n"u8;
        long contentLength = Math.Max(size, headers.Length + 2);
        var message = new byte[checked(contentLength + terminator.Length)];
        headers.CopyTo(message, 0);
        FillLines(message.AsSpan(headers.Length, (int)(contentLength - headers.Length)));
        terminator.CopyTo(message.AsSpan((int)contentLength));
        return message;
    }

    private static byte[] Lines(long length)
    {
        var lines = new byte[length];
        FillLines(lines);
        return lines;
    }
}
