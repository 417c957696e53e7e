using System.Net;
using System.Net.Sockets;
using ActorSmtp.Sinks;
using ActorSmtp.Dns;

namespace ActorSmtp.MessageAuthentication.Dnsbl;

/// <summary>
/// Looks a client's address up in DNS blocklists at connect (RFC 5782), all zones at once: a listing adds its
/// zone's weight to the score, and a score at the threshold blocks. A zone that does not answer is a temperror
/// and never blocks. Thread-safe; trusted networks are the caller's to skip.
/// </summary>
public sealed class DnsblChecker
{
    private readonly IDnsLookup _dns;
    private readonly IReadOnlyList<DnsblZone> _zones;
    private readonly int _threshold;

    /// <param name="dns">The server's resolver.</param>
    /// <param name="zones">The lists, in the order their replies are preferred.</param>
    /// <param name="threshold">The score that blocks; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is below 1.</exception>
    /// <exception cref="ArgumentException">A zone has no name.</exception>
    public DnsblChecker(IDnsLookup dns, IReadOnlyList<DnsblZone> zones, int threshold = 1)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        if (zones.FirstOrDefault(zone => string.IsNullOrWhiteSpace(zone.Zone)) is { } nameless)
            throw new ArgumentException($"a dnsbl entry has no zone (reply \"{nameless.Reply}\")", nameof(zones));
        _dns = dns;
        _zones = zones.Select(zone => zone with { Zone = zone.Zone.Trim().TrimEnd('.') }).ToArray();
        _threshold = threshold;
    }

    /// <summary>Asks every zone about <paramref name="client"/>; never throws for a DNS outcome.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async ValueTask<DnsblCheck> CheckAsync(IPAddress client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        // RFC 5782 §2.1 / §2.4: reversed octets or nibbles under the zone; an IPv4-mapped address is its IPv4 one.
        var labels = DnsReverseName.Labels(client);
        var answers = await Task.WhenAll(_zones.Select(zone =>
            _dns.AddressesAsync($"{labels}.{zone.Zone}", AddressFamily.InterNetwork, ct).AsTask())).ConfigureAwait(false);
        var listings = new List<DnsblListing>();
        var tempErrors = new List<string>();
        for (var i = 0; i < _zones.Count; i++)
        {
            switch (Outcome(answers[i]))
            {
                case { } listed when listed.Length > 0:
                    listings.Add(new DnsblListing(_zones[i].Zone, listed, _zones[i].Weight));
                    break;
                case null:
                    tempErrors.Add(_zones[i].Zone);
                    break;
            }
        }
        var score = listings.Sum(listing => listing.Weight);
        return new DnsblCheck(score >= _threshold, score, listings, tempErrors.Count > 0 ? tempErrors : null);
    }

    /// <summary>
    /// The reply of the first zone that lists the client (by the order of the zones; one that adds to the score
    /// before an allow-list), with <c>{ip}</c> and <c>{zone}</c> filled in.
    /// </summary>
    /// <exception cref="ArgumentException">No zone of this checker lists the client in <paramref name="check"/>.</exception>
    public string ReplyFor(DnsblCheck check, IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(client);
        var listed = _zones.Where(zone => check.Listings.Any(listing => listing.Zone.Equals(zone.Zone, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(zone => zone.Weight > 0 ? 0 : 1)
            .FirstOrDefault() ?? throw new ArgumentException("the check has no listing from these zones", nameof(check));
        var ip = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return listed.Reply.Replace("{ip}", ip.ToString(), StringComparison.Ordinal).Replace("{zone}", listed.Zone, StringComparison.Ordinal);
    }

    // The listing's answer, "" for not listed, null for a temperror.
    private static string? Outcome(DnsAnswer<IPAddress> answer)
    {
        if (answer.Status == DnsStatus.Failed)
            return null;
        var codes = answer.Records.Where(IsLoopbackNet).OrderBy(address => address.ToString(), StringComparer.Ordinal).ToArray();
        // Spamhaus answers 127.255.255.x for a query it refuses (an open resolver, over the limit): not an answer.
        if (codes.Length > 0 && codes.All(IsRefusal))
            return null;
        // RFC 5782 §2.3: a listing is an A record in 127.0.0.0/8; anything else (a rewritten NXDOMAIN) is not one.
        return codes.FirstOrDefault(code => !IsRefusal(code))?.ToString() ?? "";
    }

    private static bool IsLoopbackNet(IPAddress address) => address.GetAddressBytes() is [127, ..];

    private static bool IsRefusal(IPAddress address) => address.GetAddressBytes() is [127, 255, 255, _];
}
