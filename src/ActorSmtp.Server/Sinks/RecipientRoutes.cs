using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Sinks;

/// <summary>Which sink each recipient goes to: the first route that matches it, else the default sink (pure).</summary>
internal sealed class RecipientRoutes(IReadOnlyList<SinkRoute> routes, string defaultSink)
{
    /// <summary>The recipients grouped by sink, in the order the sinks were first needed.</summary>
    public IReadOnlyList<SinkShare> Split(IReadOnlyList<string> recipients)
    {
        var shares = new List<SinkShare>(1);
        foreach (var recipient in recipients)
        {
            var sink = SinkFor(recipient);
            var share = shares.Find(s => s.Sink == sink);
            if (share is null)
                shares.Add(share = new SinkShare(sink, []));
            share.Recipients.Add(recipient);
        }
        return shares;
    }

    public string SinkFor(string recipient)
    {
        var at = recipient.LastIndexOf('@');
        var domain = at < 0 ? "" : recipient[(at + 1)..];
        foreach (var route in routes)
            if (route.Domains.Any(d => DomainMatches(d, domain)) || route.Addresses.Any(a => Glob.Matches(a, recipient)))
                return route.Sink;
        return defaultSink;
    }

    private static bool DomainMatches(string pattern, string domain) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? domain.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : domain.Equals(pattern, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The recipients of one message that go to one sink.</summary>
internal sealed record SinkShare(string Sink, List<string> Recipients);

/// <summary>Patterns where <c>*</c> matches any run of characters; case-insensitive.</summary>
internal static class Glob
{
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Greedy matching with backtracking to the last star: linear for patterns with one star, never exponential.
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))
            {
                p++;
                t++;
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
}
