using ActorSmtp.Dns;
using ActorSmtp.Sinks;
using Org.BouncyCastle.Crypto;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// The public key of a selector (RFC 6376 §3.6.2.2: TXT at <c>selector._domainkey.domain</c>), through the server's
/// one resolver. Unlike MimeKit's locators it tells a DNS failure (temperror: try later) from a missing, revoked or
/// malformed key (permerror), which the results must keep apart (§6.1.2).
/// </summary>
internal sealed class DkimKeys(IDnsLookup dns)
{
        public async ValueTask<KeyLookup> FindAsync(string domain, string selector, CancellationToken ct)
    {
        var answer = await dns.TxtAsync($"{selector}._domainkey.{domain}", ct).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Failed)
            return new KeyLookup(null, DkimResult.TempError, "key lookup failed: " + answer.Error);
        var records = answer.Records.Where(IsKeyRecord).ToList();
        if (records.Count != 1)
            return new KeyLookup(null, DkimResult.PermError, records.Count == 0 ? "no key for the selector" : "several key records");
        return Parse(records[0]);
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
        try
        {
            return new KeyLookup(KeyRecordParser.Instance.Key(txt), null, null);
        }
        catch (Exception e) when (e is FormatException or MimeKit.ParseException or ArgumentException or InvalidCastException)
        {
            return new KeyLookup(null, DkimResult.PermError, "malformed key: " + e.Message);
        }
    }
}

/// <param name="Key">The key, or null with <see cref="Failure"/> and <see cref="Reason"/>.</param>
internal sealed record KeyLookup(AsymmetricKeyParameter? Key, DkimResult? Failure, string? Reason);
