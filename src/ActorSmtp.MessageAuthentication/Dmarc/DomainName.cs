using System.Globalization;
using System.Text;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>
/// One spelling for a domain name so that comparisons and lookups agree: A-labels (RFC 5890 "xn--"), lower case,
/// no trailing dot. The Public Suffix List has U-labels, From headers may too (RFC 6532); DNS wants A-labels.
/// </summary>
internal static class DomainName
{
    private static readonly IdnMapping Idn = new();

    /// <summary>The A-label, lower-case form, or null when <paramref name="name"/> is not a domain name.</summary>
    public static string? ToAscii(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return null;
        var trimmed = name.Trim();
        if (trimmed.EndsWith('.'))
            trimmed = trimmed[..^1];
        if (trimmed.Length == 0 || trimmed.StartsWith('.') || trimmed.Contains("..", StringComparison.Ordinal)
            || trimmed.Any(c => c <= ' ' || c is '@' or '\x7f'))
            return null;
        if (Ascii.IsValid(trimmed))
            return trimmed.ToLowerInvariant();
        try
        {
            return Idn.GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The domain of an address ("alice@a.test" → "a.test"), or the name itself when it has no '@'.</summary>
    public static string DomainPart(string addressOrDomain)
    {
        var at = addressOrDomain.LastIndexOf('@');
        return at < 0 ? addressOrDomain : addressOrDomain[(at + 1)..];
    }
}
