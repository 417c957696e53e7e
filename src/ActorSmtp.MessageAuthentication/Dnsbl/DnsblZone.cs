namespace ActorSmtp.MessageAuthentication.Dnsbl;

/// <summary>One blocklist of <c>actorsmtp.dnsbl</c>.</summary>
/// <param name="Zone">The list's DNS zone, such as "zen.example" (queried as the reversed address under it).</param>
/// <param name="Reply">
/// The SMTP reply for a client it blocks, with <c>{ip}</c> and <c>{zone}</c> replaced, such as
/// "554 5.7.1 Service unavailable; client [{ip}] blocked using {zone}".
/// </param>
/// <param name="Weight">What a listing here adds to the score (a negative weight makes it an allow-list).</param>
public sealed record DnsblZone(string Zone, string Reply, int Weight = 1);
