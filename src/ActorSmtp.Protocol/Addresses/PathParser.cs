using System.Text;
using System.Text.Unicode;

namespace ActorSmtp.Protocol.Addresses;

/// <summary>
/// Parses the path argument of MAIL and RCPT (RFC 5321 §4.1.2): <c>FROM:&lt;path&gt; params</c>.
/// Works on the raw octets so non-ASCII is seen, and judged, before any decoding.
/// </summary>
public static class PathParser
{
    private const int MaxLocalPart = 64, MaxDomain = 255, MaxPath = 256;

    /// <summary>
    /// Splits <c>PREFIX:&lt;path&gt; params</c>. A space after the colon is tolerated, as most
    /// servers do. <paramref name="path"/> is the text between the brackets.
    /// </summary>
    public static PathParseStatus Split(
        ReadOnlySpan<byte> argument, ReadOnlySpan<byte> prefix,
        out ReadOnlySpan<byte> path, out ReadOnlySpan<byte> parameters)
    {
        path = parameters = default;
        if (argument.Length < prefix.Length || !Ascii.EqualsIgnoreCase(argument[..prefix.Length], prefix))
            return PathParseStatus.BadCommandSyntax;

        var rest = argument[prefix.Length..].TrimStart((byte)' ');
        if (rest.Length == 0 || rest[0] != (byte)'<')
            return PathParseStatus.BadCommandSyntax;

        var close = ClosingBracket(rest);
        if (close < 0)
            return PathParseStatus.BadCommandSyntax;

        path = rest[1..close];
        var tail = rest[(close + 1)..];
        if (tail.Length > 0 && tail[0] != (byte)' ')
            return PathParseStatus.BadCommandSyntax;
        parameters = tail.Trim((byte)' ');
        return path.Length + 2 > MaxPath ? PathParseStatus.BadAddress : PathParseStatus.Ok;
    }

    /// <summary>Parses a mailbox, after dropping an obsolete source route (RFC 5321 §4.1.2, "@a,@b:").</summary>
    public static PathParseStatus ParseMailbox(ReadOnlySpan<byte> path, bool allowUtf8, out Mailbox? mailbox)
    {
        mailbox = null;
        path = WithoutSourceRoute(path);
        var at = LocalPartEnd(path);
        if (at <= 0 || at >= path.Length - 1 || path[at] != (byte)'@')
            return PathParseStatus.BadAddress;

        var local = path[..at];
        var domain = path[(at + 1)..];
        if (local.Length > MaxLocalPart || domain.Length > MaxDomain || !IsDomain(domain))
            return PathParseStatus.BadAddress;

        var international = !Ascii.IsValid(path);
        if (international && !Utf8.IsValid(path))
            return PathParseStatus.BadAddress;
        if (international && !allowUtf8)
            return PathParseStatus.NeedsSmtpUtf8;

        mailbox = new Mailbox(Encoding.UTF8.GetString(local), Encoding.UTF8.GetString(domain));
        return PathParseStatus.Ok;
    }

    private static int ClosingBracket(ReadOnlySpan<byte> text)
    {
        var quoted = false;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted && c == (byte)'\\') i++;
            else if (c == (byte)'"') quoted = !quoted;
            else if (!quoted && c == (byte)'>') return i;
        }
        return -1;
    }

    private static ReadOnlySpan<byte> WithoutSourceRoute(ReadOnlySpan<byte> path)
    {
        if (path.Length == 0 || path[0] != (byte)'@')
            return path;
        var colon = path.IndexOf((byte)':');
        return colon < 0 ? [] : path[(colon + 1)..];
    }

    /// <summary>Index of the '@' after a valid dot-string or quoted-string local part, or -1.</summary>
    private static int LocalPartEnd(ReadOnlySpan<byte> path)
    {
        if (path.Length > 0 && path[0] == (byte)'"')
            return QuotedStringEnd(path);

        var at = path.LastIndexOf((byte)'@');
        if (at <= 0)
            return -1;
        return IsDotString(path[..at]) ? at : -1;
    }

    private static int QuotedStringEnd(ReadOnlySpan<byte> path)
    {
        for (var i = 1; i < path.Length; i++)
        {
            var c = path[i];
            if (c == (byte)'\\')
            {
                if (++i >= path.Length || path[i] < 32 || path[i] == 127) return -1;
            }
            else if (c == (byte)'"')
                return i + 1 < path.Length && path[i + 1] == (byte)'@' ? i + 1 : -1;
            else if (c < 32 || c == 127)
                return -1;
        }
        return -1;
    }

    private static bool IsDotString(ReadOnlySpan<byte> local)
    {
        var atomLength = 0;
        foreach (var c in local)
        {
            if (c == (byte)'.')
            {
                if (atomLength == 0) return false;
                atomLength = 0;
            }
            else if (IsAtext(c)) atomLength++;
            else return false;
        }
        return atomLength > 0;
    }

    private static bool IsDomain(ReadOnlySpan<byte> domain)
    {
        if (domain[0] == (byte)'[')
            return domain.Length > 2 && domain[^1] == (byte)']' && IsLiteralText(domain[1..^1]);

        var labelLength = 0;
        for (var i = 0; i < domain.Length; i++)
        {
            var c = domain[i];
            if (c == (byte)'.')
            {
                if (labelLength == 0 || domain[i - 1] == (byte)'-') return false;
                labelLength = 0;
            }
            else if (IsLetterOrDigit(c) || c >= 0x80) labelLength++;
            else if (c == (byte)'-' && labelLength > 0) labelLength++;
            else return false;
        }
        return labelLength > 0 && domain[^1] != (byte)'-';
    }

    private static bool IsLiteralText(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
            if (c < 33 || c > 126 || c is (byte)'[' or (byte)']' or (byte)'\\') return false;
        return true;
    }

    private static bool IsLetterOrDigit(byte c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;

    // RFC 5322 atext, plus any non-ASCII octet (RFC 6531 extends atext with UTF8-non-ascii).
    private static bool IsAtext(byte c) =>
        IsLetterOrDigit(c) || c >= 0x80 || "!#$%&'*+-/=?^_`{|}~"u8.Contains(c);
}
