using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>What DMARC evaluates: the author's domain and the SPF and DKIM results already computed.</summary>
/// <param name="FromHeaderDomain">
/// The domain of the single RFC5322.From address (RFC 7489 §6.6.1); null when the message has no From, several From
/// addresses, or one that does not parse (the check is then a permerror).
/// </param>
/// <param name="Spf">The SPF check of the MAIL FROM identity (or of HELO for a null reverse-path), or null when SPF is off.</param>
/// <param name="Dkim">Every DKIM-Signature's verification (empty when unsigned or DKIM is off).</param>
public sealed record DmarcRequest(string? FromHeaderDomain, SpfCheck? Spf, IReadOnlyList<DkimCheck> Dkim);
