namespace ActorSmtp.Protocol.Commands;

public enum NonSmtpKind
{
    /// <summary>Could be SMTP (or is an ordinary unknown command).</summary>
    None,
    /// <summary>The first word is an HTTP method: a browser, a proxy probe (CONNECT) or a cross-protocol attack.</summary>
    HttpRequest,
    /// <summary>The line starts like a message header ("Host:", "User-Agent:", "Subject:"): HTTP headers or a body sent without DATA.</summary>
    HeaderLine,
}

/// <summary>
/// Recognises command lines that no SMTP client sends, the way Postfix's <c>smtpd_forbidden_commands</c>
/// (default "CONNECT GET POST") and its header check do; Postfix answers them with 221 and hangs up.
/// Only lines whose verb is not an SMTP verb are worth asking about.
/// </summary>
public static class NonSmtpCommand
{
    // RFC 9110 §9 methods plus the WebDAV and PATCH ones bots probe with; case-insensitive like SMTP verbs.
    private static readonly byte[][] HttpMethods =
        ["GET"u8.ToArray(), "POST"u8.ToArray(), "CONNECT"u8.ToArray(), "HEAD"u8.ToArray(), "PUT"u8.ToArray(),
         "OPTIONS"u8.ToArray(), "DELETE"u8.ToArray(), "PATCH"u8.ToArray(), "TRACE"u8.ToArray(), "PROPFIND"u8.ToArray()];

    /// <summary>Classifies a command line (without its CR LF).</summary>
    public static NonSmtpKind Classify(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var word = space < 0 ? line : line[..space];
        foreach (var method in HttpMethods)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(word, method))
                return NonSmtpKind.HttpRequest;
        }
        return IsHeaderName(word) ? NonSmtpKind.HeaderLine : NonSmtpKind.None;
    }

    /// <summary>RFC 5322 §3.6.8: field-name = 1*ftext (printable US-ASCII except ':'), then ':'.</summary>
    private static bool IsHeaderName(ReadOnlySpan<byte> word)
    {
        var colon = word.IndexOf((byte)':');
        if (colon <= 0)
            return false;
        foreach (var b in word[..colon])
        {
            if (b is < 33 or > 126)
                return false;
        }
        return true;
    }
}
