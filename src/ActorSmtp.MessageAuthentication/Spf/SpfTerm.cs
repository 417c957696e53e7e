using System.Net;

namespace ActorSmtp.MessageAuthentication.Spf;

/// <summary>A term of an SPF record (RFC 7208 §4.6.1): a directive (qualifier + mechanism) or a modifier.</summary>
internal abstract record SpfTerm;

/// <summary>The mechanisms of §5.</summary>
internal enum MechanismKind { All, Include, A, Mx, Ptr, Ip4, Ip6, Exists }

/// <param name="Qualifier">'+', '-', '~' or '?' (§4.6.2).</param>
/// <param name="DomainSpec">The target (a macro-string), or null for the current domain.</param>
/// <param name="Network">ip4/ip6: the network's address.</param>
/// <param name="Prefix4">The IPv4 CIDR length (32 when absent).</param>
/// <param name="Prefix6">The IPv6 CIDR length (128 when absent).</param>
internal sealed record Mechanism(char Qualifier, MechanismKind Kind, string Text, string? DomainSpec = null,
    IPAddress? Network = null, int Prefix4 = 32, int Prefix6 = 128) : SpfTerm
{
    /// <summary>The terms that cost a DNS lookup against the limit of 10 (§4.6.4).</summary>
    public bool QueriesDns => Kind is MechanismKind.Include or MechanismKind.A or MechanismKind.Mx or MechanismKind.Ptr or MechanismKind.Exists;
}

/// <summary>redirect=, exp= and the unknown modifiers (which are ignored, §6).</summary>
internal sealed record Modifier(string Name, string Value) : SpfTerm;

/// <summary>A parsed record: its directives in order and its redirect and exp, if any.</summary>
internal sealed record SpfRecord(IReadOnlyList<Mechanism> Mechanisms, string? Redirect, string? Explanation);
