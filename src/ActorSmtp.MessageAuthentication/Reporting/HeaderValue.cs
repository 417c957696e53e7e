using System.Globalization;
using System.Text;

namespace ActorSmtp.MessageAuthentication.Reporting;

/// <summary>The RFC 8601 §2.2 value shapes: RFC 2045 tokens, quoted-strings, and pvalues that may be addresses.</summary>
internal static class HeaderValue
{
    private const string TSpecials = "()<>@,;:\\\"/[]?=";

    private static readonly IdnMapping Idn = new();

    /// <summary>RFC 2045 §5.1: token = 1*&lt;any US-ASCII CHAR except SPACE, CTLs, or tspecials&gt;.</summary>
    public static bool IsToken(string text) => text.Length > 0 && text.All(IsTokenChar);

    public static bool IsTokenChar(char c) => c > ' ' && c < 0x7f && !TSpecials.Contains(c);

    /// <summary>RFC 2045 value = token / quoted-string.</summary>
    public static string Value(string text) => IsToken(text) ? text : Quoted(text);

    /// <summary>
    /// RFC 8601 §2.2 pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]: a token or an address stays
    /// bare, anything else is quoted. A domain with U-labels is written with A-labels.
    /// </summary>
    public static string PropertyValue(string text)
    {
        var at = text.LastIndexOf('@');
        var domain = ToAsciiDomain(at < 0 ? text : text[(at + 1)..]);
        var spelled = at < 0 ? domain : text[..(at + 1)] + domain;
        if (IsToken(spelled))
            return spelled;
        return at >= 0 && IsDotAtomOrEmpty(spelled[..at]) && IsDomainName(domain) ? spelled : Quoted(spelled);
    }

    /// <summary>RFC 5322 §3.2.4 quoted-string: '\' and '"' escaped; CR, LF and other controls become spaces, and
    /// non-ASCII becomes '?' (an RFC 8601 header written into a message that may not be SMTPUTF8).</summary>
    public static string Quoted(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '\\' or '"')
                quoted.Append('\\').Append(c);
            else if (c < ' ' || c == 0x7f)
                quoted.Append(' ');
            else
                quoted.Append(c > 0x7e ? '?' : c);
        }
        return quoted.Append('"').ToString();
    }

    private static string ToAsciiDomain(string domain)
    {
        if (Ascii.IsValid(domain))
            return domain;
        try
        {
            return Idn.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return domain;
        }
    }

    // RFC 5322 §3.2.3 dot-atom: atext runs separated by single dots.
    private static bool IsDotAtomOrEmpty(string localPart) =>
        localPart.Length == 0 || localPart.Split('.').All(atom => atom.Length > 0 && atom.All(IsAtext));

    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c);

    private static bool IsDomainName(string domain) =>
        domain.Split('.').All(label => label.Length > 0 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
}
