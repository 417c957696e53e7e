using MimeKit;

namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>RFC 7489 §6.6.1: the Author Domain, the domain of the RFC5322.From address, for <see cref="DmarcRequest"/>.</summary>
public static class DmarcAuthorDomain
{
    /// <summary>
    /// The one domain of the message's From field, or null when DMARC cannot name one: no From field, several From
    /// fields (RFC 5322 §3.6 allows one), a value that does not parse, no address, or addresses in different domains.
    /// </summary>
    /// <param name="fromFieldValues">The value of every From field of the message, in order (folding may remain).</param>
    /// <remarks>
    /// §6.6.1 lets a receiver evaluate each domain of a multi-valued From and apply the strictest result; several
    /// addresses in one domain are one evaluation, several domains give null here (the check is then a permerror and the
    /// caller may reject, as §6.6.1 also allows).
    /// </remarks>
    public static string? FromFields(IReadOnlyList<string> fromFieldValues)
    {
        if (fromFieldValues.Count != 1)
            return null;
        if (!InternetAddressList.TryParse(ParserOptions.Default, fromFieldValues[0], out var addresses))
            return null;
        var domains = addresses.Mailboxes
            .Select(mailbox => DomainName.ToAscii(mailbox.Domain))
            .ToList();
        if (domains.Count == 0 || domains.Any(domain => domain is null))
            return null;
        return domains.Distinct(StringComparer.Ordinal).Count() == 1 ? domains[0] : null;
    }
}
