using System.Text;

namespace ActorSmtp.Protocol.Replies;

/// <summary>
/// One SMTP reply: a three-digit code, an optional RFC 3463 enhanced status code and text,
/// pre-encoded once so that writing it costs a copy, not a format.
/// </summary>
public sealed class SmtpReply
{
    private SmtpReply(int code, string? enhancedCode, IReadOnlyList<string> lines)
    {
        Code = code;
        EnhancedCode = enhancedCode;
        Lines = lines;
        Bytes = Encode(code, enhancedCode, lines);
    }

    public int Code { get; }

    /// <summary>The RFC 3463 code (for example "2.1.0"), or null for replies that carry none (220, 354, EHLO).</summary>
    public string? EnhancedCode { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The reply as it goes on the wire, every line ending in CRLF.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public bool IsPositive => Code < 400;

    public bool IsTransientFailure => Code is >= 400 and < 500;

    public bool IsPermanentFailure => Code >= 500;

    public string Text => string.Join(" ", Lines);

    public static SmtpReply Create(int code, string? enhancedCode, string text) =>
        new(code, enhancedCode, [text]);

    /// <summary>A multi-line reply (RFC 5321 §4.2.1): the same code on every line, "-" on all but the last.</summary>
    public static SmtpReply CreateMultiline(int code, IReadOnlyList<string> lines) =>
        new(code, null, lines);

    public override string ToString() => Encoding.UTF8.GetString(Bytes.Span).TrimEnd();

    private static byte[] Encode(int code, string? enhancedCode, IReadOnlyList<string> lines)
    {
        if (code is < 200 or > 599)
            throw new ArgumentOutOfRangeException(nameof(code), code, "SMTP reply codes are 2xx to 5xx.");
        if (lines.Count == 0)
            throw new ArgumentException("A reply needs at least one line.", nameof(lines));

        var text = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            text.Append(code).Append(i < lines.Count - 1 ? '-' : ' ');
            if (enhancedCode is not null)
                text.Append(enhancedCode).Append(' ');
            text.Append(lines[i]).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
