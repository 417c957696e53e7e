using System.Net;
using Akka.Configuration;
using DnsClient;
using DnsClient.Protocol;

namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>
/// Finds the destination of a recipient domain as a relay sink configured by the same block would: the smarthost
/// for every domain, or with <c>mx = on</c> the domain's MX hosts by preference (RFC 5321 §5.1), its A/AAAA
/// records when it has no MX (the implicit MX), using the resolvers of <c>dns.servers</c>.
/// </summary>
/// <remarks>
/// The connection compares the <see cref="DestinationLookup.Key"/> of each recipient with the first one's to keep
/// one destination per transaction (a different one gets 452 4.5.3, RFC 5321 §4.5.3.1.10). Answers are cached
/// for their TTL. Thread-safe.
/// </remarks>
public sealed class RelayDestinations
{
    private readonly RelaySettings _settings;
    private readonly LookupClient? _dns;
    private readonly Destination? _smarthost;

    internal RelayDestinations(RelaySettings settings)
    {
        _settings = settings;
        if (settings.Mx)
            _dns = new LookupClient(DnsOptions(settings));
        else
            _smarthost = new Destination($"{settings.Host}:{settings.Port}", [new UpstreamHost(settings.Host, null, settings.Port)]);
    }

    /// <summary>The destinations of the relay sink configured by <paramref name="relayBlock"/> (its HOCON block).</summary>
    /// <exception cref="ConfigurationException">The block is invalid; the message names its key.</exception>
    public static RelayDestinations FromConfig(Config relayBlock) => new(RelaySettings.From(relayBlock));

    /// <summary>Resolves <paramref name="domain"/> (the part after the recipient's last @); never throws for DNS trouble.</summary>
    public async Task<DestinationLookup> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        if (_smarthost is not null)
            return DestinationLookup.Found(_smarthost);
        if (AddressLiteral(domain) is { } literal)
            return Direct($"[{literal}]", literal);
        try
        {
            return await LookupAsync(domain.TrimEnd('.').ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException ex)
        {
            return DnsTrouble(domain, ex.Message); // timeouts, refused queries, truncated answers
        }
    }

    private async Task<DestinationLookup> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        var response = await _dns!.QueryAsync(domain, QueryType.MX, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            return DestinationLookup.Refused(550, "5.1.2", $"Recipient address rejected: domain {domain} not found");
        if (response.HasError)
            return DnsTrouble(domain, response.ErrorMessage);
        var exchanges = response.Answers.MxRecords().OrderBy(mx => mx.Preference).ThenBy(mx => mx.Exchange.Value).ToList();
        if (exchanges is [{ Exchange.Value: "." }])
            return DestinationLookup.Refused(556, "5.1.10", $"Recipient address rejected: {domain} accepts no mail (null MX)"); // RFC 7505 §3
        if (exchanges.Count == 0)
        {
            // RFC 5321 §5.1: no MX, the domain itself is the host (its A/AAAA records).
            var implicitHosts = await AddressesAsync(domain, cancellationToken).ConfigureAwait(false);
            return implicitHosts.Count == 0
                ? DestinationLookup.Refused(550, "5.1.2", $"Recipient address rejected: {domain} has no mail host")
                : DestinationLookup.Found(new Destination($"host:{domain}", implicitHosts));
        }
        var hosts = new List<UpstreamHost>();
        foreach (var exchange in exchanges)
            hosts.AddRange(await HostsOfAsync(exchange.Exchange.Value.TrimEnd('.'), response.Additionals, cancellationToken).ConfigureAwait(false));
        return hosts.Count == 0
            ? DnsTrouble(domain, "no MX host has an address")
            : DestinationLookup.Found(new Destination("mx:" + string.Join(",", exchanges.Select(mx => mx.Exchange.Value.TrimEnd('.')).Order()), hosts));
    }

    // The addresses that came with the MX answer, else a query of their own.
    private async Task<IReadOnlyList<UpstreamHost>> HostsOfAsync(string name, IReadOnlyList<DnsResourceRecord> additionals, CancellationToken cancellationToken)
    {
        var glued = Hosts(name, additionals.Where(record => record.DomainName.Value.TrimEnd('.').Equals(name, StringComparison.OrdinalIgnoreCase)));
        return glued.Count > 0 ? glued : await AddressesAsync(name, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<UpstreamHost>> AddressesAsync(string name, CancellationToken cancellationToken)
    {
        var a = await _dns!.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        var aaaa = await _dns.QueryAsync(name, QueryType.AAAA, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        return Hosts(name, a.Answers.Concat(aaaa.Answers));
    }

    private List<UpstreamHost> Hosts(string name, IEnumerable<DnsResourceRecord> records) =>
        records.Select(record => record switch
            {
                ARecord address => address.Address,
                AaaaRecord address => address.Address,
                _ => null,
            })
            .OfType<IPAddress>()
            .Select(address => new UpstreamHost(name, address, _settings.Port))
            .ToList();

    private DestinationLookup Direct(string key, IPAddress address) =>
        DestinationLookup.Found(new Destination(key, [new UpstreamHost(address.ToString(), address, _settings.Port)]));

    // RFC 5321 §4.1.3: user@[192.0.2.1], user@[IPv6:2001:db8::1]
    private static IPAddress? AddressLiteral(string domain) =>
        domain is ['[', .. var inner, ']'] && IPAddress.TryParse(inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? inner[5..] : inner, out var address)
            ? address
            : null;

    private static DestinationLookup DnsTrouble(string domain, string problem) =>
        DestinationLookup.Refused(451, "4.4.3", $"Recipient address rejected: cannot resolve {domain} now ({problem})");

    private static LookupClientOptions DnsOptions(RelaySettings settings)
    {
        var options = settings.DnsServers.Count > 0
            ? new LookupClientOptions(settings.DnsServers.Select(server => new NameServer(server)).ToArray())
            : new LookupClientOptions();
        options.Timeout = settings.DnsTimeout;
        options.Retries = 1;
        options.UseCache = true;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = true;
        return options;
    }
}
