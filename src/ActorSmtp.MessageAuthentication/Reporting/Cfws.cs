using System.Text;

namespace ActorSmtp.MessageAuthentication.Reporting;

/// <summary>Reading RFC 5322 §3.2.2 CFWS (white space, folding, nested comments) and RFC 2045 values.</summary>
internal static class Cfws
{
    /// <summary>The position after any white space, line breaks and (nested, quoted-pair-escaped) comments.</summary>
    public static int Skip(string text, int position)
    {
        var depth = 0;
        while (position < text.Length)
        {
            var c = text[position];
            if (depth > 0 && c == '\\')
                position++;
            else if (c == '(')
                depth++;
            else if (c == ')' && depth > 0)
                depth--;
            else if (depth == 0 && c is not (' ' or '\t' or '\r' or '\n'))
                break;
            position++;
        }
        return position;
    }

    /// <summary>A token or a quoted-string (unescaped) at <paramref name="position"/>, or null.</summary>
    public static string? ReadValue(string text, ref int position)
    {
        if (position >= text.Length)
            return null;
        return text[position] == '"' ? ReadQuoted(text, ref position) : ReadToken(text, ref position);
    }

    private static string? ReadToken(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && HeaderValue.IsTokenChar(text[position]))
            position++;
        return position > start ? text[start..position] : null;
    }

    private static string? ReadQuoted(string text, ref int position)
    {
        var value = new StringBuilder();
        for (position++; position < text.Length; position++)
        {
            var c = text[position];
            if (c == '"')
            {
                position++;
                return value.ToString();
            }
            if (c == '\\' && position + 1 < text.Length)
                c = text[++position];
            if (c is not ('\r' or '\n'))
                value.Append(c);
        }
        return null; // unterminated
    }
}
