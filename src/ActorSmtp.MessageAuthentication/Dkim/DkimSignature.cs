using MimeKit.Cryptography;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>The tags of one DKIM-Signature header field that the verification needs (RFC 6376 §3.5).</summary>
/// <param name="SignedHeaders">h=: the field names signed, in order.</param>
/// <param name="BodyLength">l=: how many canonical body bytes are signed, or -1 for all.</param>
internal sealed record DkimSignature(
    string Domain,
    string Selector,
    string AlgorithmName,
    DkimSignatureAlgorithm Algorithm,
    DkimCanonicalizationAlgorithm HeaderCanonicalization,
    DkimCanonicalizationAlgorithm BodyCanonicalization,
    string[] SignedHeaders,
    string BodyHash,
    string Signature,
    long BodyLength,
    DateTimeOffset? Expires)
{
    /// <summary>The signature, or why it is unusable (a permerror, RFC 6376 §6.1.1).</summary>
    public static (DkimSignature? Signature, string? Error) Parse(string value)
    {
        if (TagList.Parse(value) is not { } tags)
            return (null, "malformed tag list");
        foreach (var required in (string[])["v", "a", "b", "bh", "d", "h", "s"])
            if (!tags.ContainsKey(required))
                return (null, $"missing {required}= tag");
        if (tags["v"] != "1")
            return (null, "unsupported version v=" + tags["v"]);
        if (AlgorithmOf(tags["a"]) is not { } algorithm)
            return (null, "unsupported algorithm a=" + tags["a"]);
        if (Canonicalization(tags.GetValueOrDefault("c", "simple/simple")) is not var (header, body))
            return (null, "unsupported canonicalization c=" + tags["c"]);
        var signed = tags["h"].Split(':', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!signed.Contains("from", StringComparer.OrdinalIgnoreCase))
            return (null, "the From field is not signed"); // §5.4: From MUST be signed
        var length = -1L;
        if (tags.TryGetValue("l", out var l) && (l.Length is 0 or > 76 || !l.All(char.IsAsciiDigit) || !long.TryParse(l, out length)))
            return (null, "invalid l= tag");
        DateTimeOffset? expires = null;
        if (tags.TryGetValue("x", out var x))
        {
            if (!x.All(char.IsAsciiDigit) || !long.TryParse(x, out var seconds) || seconds > 253402300799)
                return (null, "invalid x= tag");
            expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        var domain = tags["d"].TrimEnd('.');
        if (tags.TryGetValue("i", out var identity) && !IsWithin(identity, domain))
            return (null, "i= is not within d=");
        return (new DkimSignature(domain, tags["s"], tags["a"], algorithm, header, body, signed,
            TagList.WithoutWhiteSpace(tags["bh"]), TagList.WithoutWhiteSpace(tags["b"]), length, expires), null);
    }

    private static DkimSignatureAlgorithm? AlgorithmOf(string name) => name.ToLowerInvariant() switch
    {
        "rsa-sha256" => DkimSignatureAlgorithm.RsaSha256,
        "rsa-sha1" => DkimSignatureAlgorithm.RsaSha1,
        "ed25519-sha256" => DkimSignatureAlgorithm.Ed25519Sha256, // RFC 8463
        _ => null,
    };

    private static (DkimCanonicalizationAlgorithm Header, DkimCanonicalizationAlgorithm Body)? Canonicalization(string value)
    {
        var parts = value.ToLowerInvariant().Split('/');
        if (parts.Length > 2 || One(parts[0]) is not { } header)
            return null;
        // §3.5: "c=relaxed" alone means relaxed headers, simple body.
        var body = parts.Length == 2 ? One(parts[1]) : DkimCanonicalizationAlgorithm.Simple;
        return body is null ? null : (header, body.Value);
    }

    private static DkimCanonicalizationAlgorithm? One(string name) => name switch
    {
        "simple" => DkimCanonicalizationAlgorithm.Simple,
        "relaxed" => DkimCanonicalizationAlgorithm.Relaxed,
        _ => null,
    };

    /// <summary>§3.5 i=: its domain is d= or a subdomain of it.</summary>
    private static bool IsWithin(string identity, string domain)
    {
        var at = identity.LastIndexOf('@');
        var host = identity[(at + 1)..].TrimEnd('.');
        return host.Equals(domain, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }
}
