using ActorSmtp.Dns;
using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// The public key of a selector (RFC 6376 §3.6.2.2: TXT at <c>selector._domainkey.domain</c>), through the server's
/// one resolver. Unlike MimeKit's locators it tells a DNS failure (temperror: try later) from a missing, revoked or
/// malformed key (permerror), which the results must keep apart (§6.1.2).
/// </summary>
internal sealed class DkimKeys(IDnsLookup dns)
{
    // Making a key costs far more than using it (an RSA import; BouncyCastle's, for ARC, validates the modulus for ~20 ms).
    // The keys are kept by their record's text (the resolver's cache returns the same record until its TTL ends), at most
    // this many.
    private const int MaxParsedKeys = 1024;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, KeyLookup> Parsed = new(StringComparer.Ordinal);

        public async ValueTask<KeyLookup> FindAsync(string domain, string selector, CancellationToken ct)
    {
        var answer = await dns.TxtAsync($"{selector}._domainkey.{domain}", ct).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Failed)
            return new KeyLookup(null, DkimResult.TempError, "key lookup failed: " + answer.Error);
        var records = answer.Records.Where(IsKeyRecord).ToList();
        if (records.Count != 1)
            return new KeyLookup(null, DkimResult.PermError, records.Count == 0 ? "no key for the selector" : "several key records");
        return Parsed.TryGetValue(records[0], out var known) ? known : Remember(records[0], Parse(records[0]));
    }

    private static KeyLookup Remember(string record, KeyLookup lookup)
    {
        if (Parsed.Count >= MaxParsedKeys)
            Parsed.Clear(); // rare: more selectors than this in one TTL; starting over keeps it bounded and simple
        Parsed[record] = lookup;
        return lookup;
    }

    /// <summary>§3.6.1: v=, when present, must be first and DKIM1; records without it are taken as keys.</summary>
    private static bool IsKeyRecord(string txt) =>
        !txt.TrimStart().StartsWith("v=", StringComparison.Ordinal) || txt.TrimStart().StartsWith("v=DKIM1", StringComparison.Ordinal);

    private static KeyLookup Parse(string txt)
    {
        if (TagList.Parse(txt) is not { } tags)
            return new KeyLookup(null, DkimResult.PermError, "malformed key record");
        if (!tags.TryGetValue("p", out var p) || TagList.WithoutWhiteSpace(p).Length == 0)
            return new KeyLookup(null, DkimResult.PermError, "key revoked"); // §3.6.1: an empty p= is a revoked key
        var (key, error) = DkimPublicKey.From(txt, tags);
        return key is null ? new KeyLookup(null, DkimResult.PermError, error) : new KeyLookup(key, null, null);
    }
}

/// <param name="Key">The key, or null with <see cref="Failure"/> and <see cref="Reason"/>.</param>
internal sealed record KeyLookup(DkimPublicKey? Key, DkimResult? Failure, string? Reason);
