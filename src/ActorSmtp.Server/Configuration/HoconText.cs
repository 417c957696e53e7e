using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Parses HOCON text, refusing what Akka's parser lets through: it reads an unclosed <c>{</c> or <c>[</c> as closed
/// at the end of the text, and stops silently at a stray <c>}</c> (dropping everything after it). Errors name the line.
/// It also refuses what HOCON allows: a comma after an object given without <c>=</c> (<c>{ when { rcpt = x }, at = rcpt }</c>,
/// Akka.NET 1.5: "Unknown token"); such a comma is read as the newline it is equivalent to.
/// </summary>
internal static partial class HoconText
{
    /// <exception cref="ConfigurationException">The text is not valid HOCON; the message starts with "line N:".</exception>
    public static Config Parse(string text)
    {
        var commas = CheckBrackets(text);
        try
        {
            return ConfigurationFactory.ParseString(commas.Count == 0 ? text : Newlines(text, commas));
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
    /// Brackets must pair up; quoted strings, <c>"""</c> blocks and comments (<c>#</c>, <c>//</c>) are skipped. Returns
    /// where a comma follows a closing brace (spaces between): the separators Akka's parser stumbles over.
    /// </summary>
    private static List<int> CheckBrackets(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var commas = new List<int>();
        var afterBrace = false;
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '\t')
                continue;
            var closes = c == '}';
            if (c == ',' && afterBrace)
                commas.Add(i);
            afterBrace = closes;
            if (c == '\n')
                line++;
            else if (c == '#' || (c == '/' && At(text, i + 1, '/')))
                i = SkipTo(text, i, "\n") - 1; // the newline itself is counted on the next turn
            else if (c == '"' && At(text, i + 1, '"') && At(text, i + 2, '"'))
                i = SkipQuoted(text, i + 3, "\"\"\"", ref line);
            else if (c == '"')
                i = SkipQuoted(text, i + 1, "\"", ref line);
            else if (c is '{' or '[')
                open.Push((c, line));
            else if (c is '}' or ']')
            {
                var expected = c == '}' ? '{' : '[';
                if (open.Count == 0)
                    throw new ConfigurationException($"line {line}: '{c}' closes nothing");
                var (bracket, opened) = open.Pop();
                if (bracket != expected)
                    throw new ConfigurationException($"line {line}: '{c}' closes the '{bracket}' of line {opened}");
            }
        }
        if (open.TryPop(out var unclosed))
            throw new ConfigurationException($"line {unclosed.Line}: '{unclosed.Bracket}' is never closed");
        return commas;
    }

    /// <summary>The same text with those commas made newlines (one character for one: positions in errors stay true).</summary>
    private static string Newlines(string text, List<int> commas) =>
        string.Create(text.Length, (text, commas), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            foreach (var at in state.commas)
                span[at] = '\n';
        });

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
