using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.MessageAuthentication.Spf;

/// <summary>
/// SPF macros (RFC 7208 §7): the syntax checks of §12 (macro-string, domain-spec) and the expansion of
/// <c>%{letter digits r delimiters}</c>, <c>%%</c>, <c>%_</c> and <c>%-</c>.
/// </summary>
internal static class SpfMacro
{
    private const string Letters = "slodiphcrtv";
    private const string ExplanationOnly = "crt"; // §7.2: c, r and t only in explanations
    private const string Delimiters = ".-+,/_=";

    /// <summary>§12 macro-string: literals are visible ASCII but '%'; every '%' starts a valid macro.</summary>
    public static bool IsMacroString(string text, bool explanation)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                if (c is < (char)0x21 or > (char)0x7E && !(explanation && c == ' '))
                    return false;
                continue;
            }
            if (i + 1 >= text.Length)
                return false;
            var next = text[++i];
            if (next is '%' or '_' or '-')
                continue;
            if (next != '{' || Parse(text, i + 1, explanation) is not { } macro)
                return false;
            i = macro.End;
        }
        return true;
    }

    /// <summary>§12 domain-spec: a macro-string ending in a macro or in "." toplabel ["."].</summary>
    public static bool IsDomainSpec(string text)
    {
        if (text.Length == 0 || !IsMacroString(text, explanation: false))
            return false;
        if (text.EndsWith('}') || text.EndsWith("%%") || text.EndsWith("%_") || text.EndsWith("%-"))
            return true;
        var trimmed = text.EndsWith('.') ? text[..^1] : text;
        var dot = trimmed.LastIndexOf('.');
        return dot >= 0 && IsTopLabel(trimmed[(dot + 1)..]);
    }

    /// <summary>§12 toplabel: letters, digits and inner hyphens, not all digits.</summary>
    private static bool IsTopLabel(string label) =>
        label.Length > 0 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label.Any(char.IsAsciiLetter)
        && label[0] != '-' && label[^1] != '-';

    private sealed record Parsed(char Letter, int Digits, bool Reverse, string Delimiters, int End);

    /// <summary>The macro whose letter is at <paramref name="at"/> (just after "%{"), ending at its "}".</summary>
    private static Parsed? Parse(string text, int at, bool explanation)
    {
        if (at >= text.Length || Letters.IndexOf(char.ToLowerInvariant(text[at])) < 0
            || (!explanation && ExplanationOnly.Contains(char.ToLowerInvariant(text[at]))))
            return null;
        var letter = text[at];
        var i = at + 1;
        var digitsStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        var digits = 0;
        if (i > digitsStart && (!int.TryParse(text.AsSpan(digitsStart, i - digitsStart), CultureInfo.InvariantCulture, out digits) || digits == 0))
            return null; // §7.3: a digit transformer must be nonzero
        var reverse = i < text.Length && (text[i] is 'r' or 'R');
        if (reverse)
            i++;
        var delimiterStart = i;
        while (i < text.Length && Delimiters.Contains(text[i]))
            i++;
        if (i >= text.Length || text[i] != '}')
            return null;
        return new Parsed(letter, digits, reverse, text[delimiterStart..i], i);
    }

    /// <summary>Expands <paramref name="text"/>; null when it is not a valid macro-string (a permerror).</summary>
    public static async ValueTask<string?> ExpandAsync(string text, SpfContext context, bool explanation, CancellationToken ct)
    {
        if (!IsMacroString(text, explanation))
            return null;
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                result.Append(text[i]);
                continue;
            }
            var next = text[++i];
            if (next != '{')
            {
                result.Append(next switch { '%' => "%", '_' => " ", _ => "%20" });
                continue;
            }
            var macro = Parse(text, i + 1, explanation)!;
            var value = Transform(await ValueAsync(char.ToLowerInvariant(macro.Letter), context, ct).ConfigureAwait(false), macro);
            result.Append(char.IsUpper(macro.Letter) ? Uri.EscapeDataString(value) : value); // §7.3: upper case is URL-escaped
            i = macro.End;
        }
        return result.ToString();
    }

    /// <summary>§7.3: split on the delimiters (default "."), optionally reverse, keep the rightmost N, join with ".".</summary>
    private static string Transform(string value, Parsed macro)
    {
        if (macro.Digits == 0 && !macro.Reverse && macro.Delimiters.Length == 0)
            return value;
        var parts = value.Split(macro.Delimiters.Length == 0 ? ['.'] : macro.Delimiters.ToCharArray());
        if (macro.Reverse)
            Array.Reverse(parts);
        if (macro.Digits > 0 && macro.Digits < parts.Length)
            parts = parts[^macro.Digits..];
        return string.Join('.', parts);
    }

    private static async ValueTask<string> ValueAsync(char letter, SpfContext context, CancellationToken ct) => letter switch
    {
        's' => context.Sender,
        'l' => context.LocalPart,
        'o' => context.SenderDomain,
        'd' => context.Domain,
        'i' => Dotted(context.Client),
        'p' => await context.ValidatedNameAsync(ct).ConfigureAwait(false),
        'v' => context.Client.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "in-addr",
        'h' => context.Helo,
        'c' => context.Client.ToString(),
        'r' => context.ReceiverHost,
        't' => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    /// <summary>%{i}: IPv4 dotted, IPv6 as 32 dot-separated nibbles (§7.3).</summary>
    private static string Dotted(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        return string.Join('.', bytes.SelectMany(b => new[] { (b >> 4).ToString("x", CultureInfo.InvariantCulture), (b & 0xF).ToString("x", CultureInfo.InvariantCulture) }));
    }
}
