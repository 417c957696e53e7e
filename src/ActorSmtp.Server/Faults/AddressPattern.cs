namespace ActorSmtp.Server.Faults;

/// <summary>
/// A glob of a fault rule's matcher (<c>*@fail-rcpt.test</c>, <c>billing@*</c>, <c>bob?@*</c>): <c>*</c> is any run
/// of characters, <c>?</c> one character, case-insensitive (ordinal). It is checked for every command of every session
/// while faults are on, so it is compiled once and matches without allocating: the common shapes (exact, a prefix, a
/// suffix) by one comparison, the rest by a backtracking walk that returns to the last <c>*</c> only (linear in
/// practice, O(n·m) at worst; no Regex, so no pattern can take exponential time).
/// </summary>
internal sealed class AddressPattern
{
    private enum Shape { Exact, Prefix, Suffix, Glob }

    private readonly Shape _shape;
    private readonly string _literal; // the text to compare for Exact, Prefix and Suffix; the collapsed glob for Glob

    public AddressPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        var glob = Collapse(pattern);
        var stars = glob.AsSpan().Count('*');
        if (glob.Contains('?') || stars > 1)
            (_shape, _literal) = (Shape.Glob, glob);
        else if (stars == 0)
            (_shape, _literal) = (Shape.Exact, glob);
        else if (glob[^1] == '*')
            (_shape, _literal) = (Shape.Prefix, glob[..^1]);
        else if (glob[0] == '*')
            (_shape, _literal) = (Shape.Suffix, glob[1..]);
        else
            (_shape, _literal) = (Shape.Glob, glob);
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    public bool Matches(ReadOnlySpan<char> text) => _shape switch
    {
        Shape.Exact => text.Equals(_literal, StringComparison.OrdinalIgnoreCase),
        Shape.Prefix => text.StartsWith(_literal, StringComparison.OrdinalIgnoreCase),
        Shape.Suffix => text.EndsWith(_literal, StringComparison.OrdinalIgnoreCase),
        _ => Glob(_literal, text),
    };

    public override string ToString() => Pattern;

    /// <summary>
    /// The classic wildcard walk: on a mismatch, let the last <c>*</c> swallow one more character and retry from there.
    /// Earlier stars never need revisiting: whatever a later star can absorb, it absorbs.
    /// </summary>
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
                return false;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    // Ordinal ignore-case, one UTF-16 unit at a time (what string.Equals(..., OrdinalIgnoreCase) does for them).
    private static bool Same(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);

    /// <summary>Runs of <c>*</c> are one <c>*</c>: "a**b" means "a*b", and the walk never backtracks over a run.</summary>
    private static string Collapse(string pattern)
    {
        if (!pattern.Contains("**", StringComparison.Ordinal))
            return pattern;
        var collapsed = new System.Text.StringBuilder(pattern.Length);
        foreach (var c in pattern)
        {
            if (c != '*' || collapsed.Length == 0 || collapsed[^1] != '*')
                collapsed.Append(c);
        }
        return collapsed.ToString();
    }
}
