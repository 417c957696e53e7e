namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org/list/) and the organizational domain it defines (RFC 7489 §3.2):
/// the public suffix of a name plus one more label.
/// </summary>
/// <remarks>
/// The PSL algorithm: of the rules matching a name (labels compared from the right, <c>*</c> matching any one label),
/// an exception rule (<c>!</c>) prevails and stands for the rule without its leftmost label; otherwise the rule with
/// the most labels prevails; with no match the implicit rule <c>*</c> (the top-level label) applies. Both the ICANN and
/// the private sections are used. Names are compared case-insensitively, without a trailing dot, as A-labels (the
/// list's U-labels are converted when parsed), so a lookup may use either form.
/// </remarks>
public sealed class PublicSuffixList
{
    private const string ResourceName = "ActorSmtp.MessageAuthentication.Dmarc.public_suffix_list.dat";

    private static readonly Lazy<PublicSuffixList> ShippedList = new(LoadShipped);

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _rules;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _wildcardParents;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exceptions;

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcardParents, HashSet<string> exceptions)
    {
        _rules = rules.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardParents = wildcardParents.GetAlternateLookup<ReadOnlySpan<char>>();
        _exceptions = exceptions.GetAlternateLookup<ReadOnlySpan<char>>();
        RuleCount = rules.Count + wildcardParents.Count + exceptions.Count;
    }

    /// <summary>The list shipped with ActorSmtp (see <c>Dmarc/PUBLIC_SUFFIX_LIST.md</c>), parsed once on first use.</summary>
    public static PublicSuffixList Shipped => ShippedList.Value;

    /// <summary>How many rules (normal, wildcard and exception) the list holds.</summary>
    public int RuleCount { get; }

    /// <summary>Parses a list in the PSL file format: one rule a line, <c>//</c> comments, blank lines ignored.</summary>
    public static PublicSuffixList Parse(TextReader reader)
    {
        var rules = new HashSet<string>(StringComparer.Ordinal);
        var wildcardParents = new HashSet<string>(StringComparer.Ordinal);
        var exceptions = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            // The format: the rule is the line up to its first white space; "//" starts a comment line.
            var rule = line.AsSpan().Trim();
            var space = rule.IndexOfAny(' ', '\t');
            if (space >= 0)
                rule = rule[..space];
            if (rule.IsEmpty || rule.StartsWith("//"))
                continue;
            if (rule.StartsWith("!"))
                Add(exceptions, rule[1..]);
            else if (rule.StartsWith("*."))
                Add(wildcardParents, rule[2..]);
            else
                Add(rules, rule);
        }
        return new PublicSuffixList(rules, wildcardParents, exceptions);
    }

    /// <summary>Parses the text of a list (see <see cref="Parse(TextReader)"/>).</summary>
    public static PublicSuffixList Parse(string text) => Parse(new StringReader(text));

    /// <summary>
    /// The organizational domain of <paramref name="domain"/> (RFC 7489 §3.2): its public suffix plus one label, in
    /// the spelling given (lower case, no trailing dot). Null when the name is itself a public suffix (<c>com</c>,
    /// <c>co.uk</c>, <c>github.io</c>) or is not a domain name (empty, an empty label).
    /// </summary>
    public string? OrganizationalDomain(string domain)
    {
        var ascii = DomainName.ToAscii(domain);
        if (ascii is null)
            return null;
        var starts = LabelStarts(ascii);
        var suffixLabels = PublicSuffixLabels(ascii, starts);
        if (suffixLabels >= starts.Count)
            return null;
        var organizational = ascii[starts[starts.Count - suffixLabels - 1]..];
        return SameSpelling(domain, organizational, suffixLabels + 1);
    }

    /// <summary>How many labels from the right form the public suffix of <paramref name="ascii"/>.</summary>
    private int PublicSuffixLabels(string ascii, List<int> starts)
    {
        var count = starts.Count;
        // An exception rule prevails over every other match and stands for itself minus its leftmost label.
        for (var i = 0; i < count; i++)
        {
            if (_exceptions.Contains(ascii.AsSpan(starts[i])))
                return count - i - 1;
        }
        // Otherwise the matching rule with the most labels: scan from the longest suffix down.
        for (var i = 0; i < count; i++)
        {
            if (_rules.Contains(ascii.AsSpan(starts[i])))
                return count - i;
            if (i + 1 < count && _wildcardParents.Contains(ascii.AsSpan(starts[i + 1])))
                return count - i;
        }
        return 1; // the implicit "*" rule
    }

    private static List<int> LabelStarts(string ascii)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < ascii.Length; i++)
        {
            if (ascii[i] == '.')
                starts.Add(i + 1);
        }
        return starts;
    }

    /// <summary>The last <paramref name="labels"/> labels of the caller's own spelling (a U-label stays a U-label).</summary>
    private static string SameSpelling(string domain, string ascii, int labels)
    {
        var given = domain.Trim().TrimEnd('.').ToLowerInvariant().Split('.');
        if (given.Length < labels)
            return ascii;
        var mine = string.Join('.', given[^labels..]);
        return DomainName.ToAscii(mine) == ascii ? mine : ascii;
    }

    private static void Add(HashSet<string> set, ReadOnlySpan<char> rule)
    {
        if (DomainName.ToAscii(rule.ToString()) is { } ascii)
            set.Add(ascii);
    }

    private static PublicSuffixList LoadShipped()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
