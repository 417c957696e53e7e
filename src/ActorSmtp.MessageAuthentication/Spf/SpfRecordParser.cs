using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ActorSmtp.MessageAuthentication.Spf;

/// <summary>
/// Parses an SPF record (RFC 7208 §4.6, the ABNF of §12). Any syntax error anywhere makes the whole record a permerror
/// (§4.6), so the parser either returns the record or says what is wrong.
/// </summary>
internal static partial class SpfRecordParser
{
    /// <summary>§4.5: a record starts with "v=spf1", then a space or nothing.</summary>
    public static bool IsSpfRecord(string txt) =>
        txt.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (txt.Length == 6 || txt[6] == ' ');

    public static (SpfRecord? Record, string? Error) Parse(string txt)
    {
        var mechanisms = new List<Mechanism>();
        string? redirect = null, explanation = null;
        foreach (var token in txt[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ModifierShape().Match(token) is { Success: true } modifier)
            {
                var (name, value) = (modifier.Groups[1].Value.ToLowerInvariant(), modifier.Groups[2].Value);
                if (name is "redirect" or "exp")
                {
                    if ((name == "redirect" ? redirect : explanation) is not null)
                        return (null, $"more than one {name}= modifier");
                    if (!SpfMacro.IsDomainSpec(value))
                        return (null, $"invalid domain in {token}");
                    if (name == "redirect")
                        redirect = value;
                    else
                        explanation = value;
                }
                else if (!SpfMacro.IsMacroString(value, explanation: false))
                    return (null, $"invalid modifier {token}");
                continue;
            }
            if (Directive(token) is not { } mechanism)
                return (null, $"invalid term {token}");
            mechanisms.Add(mechanism);
        }
        return (new SpfRecord(mechanisms, redirect, explanation), null);
    }

    private static Mechanism? Directive(string token)
    {
        var qualifier = token[0] is '+' or '-' or '~' or '?' ? token[0] : '+';
        var body = token[0] is '+' or '-' or '~' or '?' ? token[1..] : token;
        var end = body.IndexOfAny([':', '/']);
        var name = (end < 0 ? body : body[..end]).ToLowerInvariant();
        var rest = end < 0 ? "" : body[end..];
        return name switch
        {
            "all" when rest.Length == 0 => new Mechanism(qualifier, MechanismKind.All, token),
            "include" => WithDomain(qualifier, MechanismKind.Include, token, rest),
            "exists" => WithDomain(qualifier, MechanismKind.Exists, token, rest),
            "a" => WithOptionalDomain(qualifier, MechanismKind.A, token, rest, cidr: true),
            "mx" => WithOptionalDomain(qualifier, MechanismKind.Mx, token, rest, cidr: true),
            "ptr" => WithOptionalDomain(qualifier, MechanismKind.Ptr, token, rest, cidr: false),
            "ip4" => Network(qualifier, MechanismKind.Ip4, token, rest),
            "ip6" => Network(qualifier, MechanismKind.Ip6, token, rest),
            _ => null,
        };
    }

    private static Mechanism? WithDomain(char qualifier, MechanismKind kind, string token, string rest) =>
        rest.StartsWith(':') && SpfMacro.IsDomainSpec(rest[1..]) ? new Mechanism(qualifier, kind, token, rest[1..]) : null;

    private static Mechanism? WithOptionalDomain(char qualifier, MechanismKind kind, string token, string rest, bool cidr)
    {
        var match = DualCidr().Match(rest);
        var domain = cidr ? match.Groups[1].Value : rest;
        if (!cidr && rest.Contains('/') && !rest.StartsWith(':'))
            return null;
        string? spec = null;
        if (domain.Length > 0)
        {
            if (!domain.StartsWith(':') || !SpfMacro.IsDomainSpec(domain[1..]))
                return null;
            spec = domain[1..];
        }
        var prefix4 = cidr && match.Groups[2].Success ? Prefix(match.Groups[2].Value, 32) : 32;
        var prefix6 = cidr && match.Groups[3].Success ? Prefix(match.Groups[3].Value, 128) : 128;
        return prefix4 < 0 || prefix6 < 0 ? null : new Mechanism(qualifier, kind, token, spec, Prefix4: prefix4, Prefix6: prefix6);
    }

    private static Mechanism? Network(char qualifier, MechanismKind kind, string token, string rest)
    {
        if (!rest.StartsWith(':'))
            return null;
        var value = rest[1..];
        var slash = value.IndexOf('/');
        var text = slash < 0 ? value : value[..slash];
        var v4 = kind == MechanismKind.Ip4;
        var prefix = slash < 0 ? (v4 ? 32 : 128) : Prefix(value[(slash + 1)..], v4 ? 32 : 128);
        if (prefix < 0 || !IPAddress.TryParse(text, out var network))
            return null;
        // ip4 must be a dotted quad (§5.6); ip6 an IPv6 address.
        if (v4 ? network.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3 : network.AddressFamily != AddressFamily.InterNetworkV6)
            return null;
        return v4 ? new Mechanism(qualifier, kind, token, Network: network, Prefix4: prefix) : new Mechanism(qualifier, kind, token, Network: network, Prefix6: prefix);
    }

    /// <summary>A CIDR length: "0" or digits without a leading zero, at most <paramref name="max"/>; -1 when invalid.</summary>
    private static int Prefix(string digits, int max) =>
        digits.Length is > 0 and <= 3 && digits.All(char.IsAsciiDigit) && (digits == "0" || digits[0] != '0')
            && int.Parse(digits, CultureInfo.InvariantCulture) is var value && value <= max ? value : -1;

    // name "=" macro-string (§12); the name starts with a letter, and '=' comes before any ':' or '/'.
    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9\-_.]*)=(.*)$")]
    private static partial Regex ModifierShape();

    // [":" domain-spec] [ "/" ip4-cidr ] [ "//" ip6-cidr ], the CIDR lengths taken from the end.
    [GeneratedRegex(@"^(.*?)(?:/(\d+))?(?://(\d+))?$")]
    private static partial Regex DualCidr();
}
