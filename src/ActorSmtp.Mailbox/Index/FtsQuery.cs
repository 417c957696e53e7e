using System.Text;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// A user's search text as an FTS5 expression that cannot be a syntax error: each whitespace-separated word
/// becomes a quoted string (FTS5 §3.1: inside "…" only a doubled quote is special), all of them must occur,
/// and a trailing <c>*</c> keeps its meaning as a prefix search (<c>invoi*</c>).
/// </summary>
internal static class FtsQuery
{
    /// <summary>Longer search texts are refused: a query of thousands of words is no search a person types.</summary>
    public const int MaxLength = 1024;

    /// <summary>The expression, or null when there is no word to search for.</summary>
    /// <exception cref="ArgumentException">The text is longer than <see cref="MaxLength"/>.</exception>
    public static string? From(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (text.Length > MaxLength)
            throw new ArgumentException($"`q` is longer than {MaxLength} characters", "q");
        var expression = new StringBuilder();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = word.Length > 1 && word[^1] == '*';
            var term = (prefix ? word[..^1] : word).Replace("\"", "\"\"", StringComparison.Ordinal);
            expression.Append(expression.Length == 0 ? "" : " ").Append('"').Append(term).Append('"').Append(prefix ? "*" : "");
        }
        return expression.ToString();
    }
}
