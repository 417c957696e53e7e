using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Parses HOCON text, refusing what Akka's parser lets through: it reads an unclosed <c>{</c> or <c>[</c> as closed
/// at the end of the text, and stops silently at a stray <c>}</c> (dropping everything after it). Errors name the line.
/// It also takes what Akka's parser wrongly refuses: a comma after a block given without <c>=</c>
/// (<c>{ when { rcpt = "*@x.test" }, at = rcpt }</c> is "Unknown token" there, while <c>when = { ... },</c> parses).
/// </summary>
internal static partial class HoconText
{
    /// <exception cref="ConfigurationException">The text is not valid HOCON; the message starts with "line N:".</exception>
    public static Config Parse(string text)
    {
        var separated = CheckBrackets(text);
        try
        {
            return ConfigurationFactory.ParseString(separated);
        }
        catch (FormatException ex)
        {
            // Akka reports "Unknown token at position N: ..." (a character offset) with the text around it.
            var position = Position().Match(ex.Message);
            var where = position.Success ? $"line {LineOf(text, int.Parse(position.Groups[1].Value))}: " : "";
            throw new ConfigurationException($"{where}{ex.Message.Split('\n')[0].Trim()}", ex);
        }
    }

    /// <summary>
    /// What makes <paramref name="text"/> unfit to parse when it comes from the network (an API body), or null: a
    /// substitution (<c>${...}</c>) outside strings and comments, since Akka's parser overflows its stack on
    /// <c>${?NAME}</c>; or brackets nested deeper than <paramref name="maxDepth"/>, since the parser recurses per level.
    /// Either would take the whole process down, not just fail the request.
    /// </summary>
    public static string? Unfit(string text, int maxDepth)
    {
        var line = 1;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (Skipped(text, ref i, ref line))
                continue;
            if (text[i] == '$' && At(text, i + 1, '{'))
                return $"line {line}: a substitution ${{...}} is not allowed here";
            if (text[i] is '{' or '[' && ++depth > maxDepth)
                return $"line {line}: nested deeper than {maxDepth} levels";
            if (text[i] is '}' or ']')
                depth--;
        }
        return null;
    }

    /// <summary>
    /// Brackets must pair up; quoted strings, <c>"""</c> blocks and comments (<c>#</c>, <c>//</c>) are skipped.
    /// Returns the text with each comma after a keyed block (<c>key { ... },</c>) made a space: HOCON separates keys by
    /// a comma or a newline alike, and the positions Akka's errors give stay right.
    /// </summary>
    private static string CheckBrackets(string text)
    {
        var open = new Stack<(char Bracket, int Line, bool Keyed)>();
        char[]? separated = null;
        var line = 1;
        var previous = '\0'; // the last character outside comments and whitespace; '"' after a quoted string
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (Skipped(text, ref i, ref line))
            {
                if (c == '"')
                    previous = '"';
                continue;
            }
            if (c is '{' or '[')
                // After a key (a word or a quoted one) in a block: `key { ... }`, not a value after =, : or in a list.
                open.Push((c, line, c == '{' && (open.Count == 0 || open.Peek().Bracket == '{') && (char.IsAsciiLetterOrDigit(previous) || previous is '-' or '_' or '"')));
            else if (c is '}' or ']')
            {
                var expected = c == '}' ? '{' : '[';
                if (open.Count == 0)
                    throw new ConfigurationException($"line {line}: '{c}' closes nothing");
                var (bracket, opened, keyed) = open.Pop();
                if (bracket != expected)
                    throw new ConfigurationException($"line {line}: '{c}' closes the '{bracket}' of line {opened}");
                var next = i + 1;
                while (next < text.Length && text[next] is ' ' or '\t')
                    next++;
                if (keyed && At(text, next, ','))
                    (separated ??= text.ToCharArray())[next] = ' ';
            }
            if (!char.IsWhiteSpace(c))
                previous = c;
        }
        if (open.TryPop(out var unclosed))
            throw new ConfigurationException($"line {unclosed.Line}: '{unclosed.Bracket}' is never closed");
        return separated is null ? text : new string(separated);
    }

    /// <summary>Steps <paramref name="i"/> over a comment, a quoted string or a newline (counting it); false for anything else.</summary>
    private static bool Skipped(string text, ref int i, ref int line)
    {
        var c = text[i];
        if (c == '\n')
            line++;
        else if (c == '#' || (c == '/' && At(text, i + 1, '/')))
            i = SkipTo(text, i, "\n") - 1; // the newline itself is counted on the next turn
        else if (c == '"' && At(text, i + 1, '"') && At(text, i + 2, '"'))
            i = SkipQuoted(text, i + 3, "\"\"\"", ref line);
        else if (c == '"')
            i = SkipQuoted(text, i + 1, "\"", ref line);
        else
            return false;
        return true;
    }

    private static bool At(string text, int i, char c) => i < text.Length && text[i] == c;

    private static int SkipTo(string text, int from, string end)
    {
        var at = text.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? text.Length : at;
    }

    /// <summary>The index of the closing quote; a backslash escapes the next character in a "..." string (not in """).</summary>
    private static int SkipQuoted(string text, int from, string quote, ref int line)
    {
        var start = line;
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                if (quote.Length == 1)
                    break; // a "..." string ends at its line
                line++;
            }
            else if (text[i] == '\\' && quote.Length == 1)
                i++;
            else if (string.CompareOrdinal(text, i, quote, 0, quote.Length) == 0)
                return i + quote.Length - 1;
        }
        throw new ConfigurationException($"line {start}: a quoted string is never closed");
    }

    private static int LineOf(string text, int position) =>
        1 + text.AsSpan(0, Math.Clamp(position, 0, text.Length)).Count('\n');

    [GeneratedRegex(@"at position (\d+)")]
    private static partial Regex Position();
}
