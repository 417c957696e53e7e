using System.Net;
using System.Net.Sockets;
using ActorSmtp.Dns;
using Akka.Configuration;

namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>
/// Finds the destination of a recipient domain as a relay sink configured by the same block would: the smarthost
/// for every domain, or with <c>mx = on</c> the domain's MX hosts by preference (RFC 5321 §5.1), its A/AAAA
/// records when it has no MX (the implicit MX), asking the block's <c>dns</c> resolvers through ActorSmtp.Dns.
/// </summary>
/// <remarks>
/// The connection compares the <see cref="DestinationLookup.Key"/> of each recipient with the first one's to keep
/// one destination per transaction (a different one gets 452 4.5.3, RFC 5321 §4.5.3.1.10). Answers are cached
/// for their TTL (the resolver's cache). Thread-safe.
/// </remarks>
public sealed class RelayDestinations
{
    private readonly RelaySettings _settings;
    private readonly IDnsLookup? _dns;
    private readonly Destination? _smarthost;

    internal RelayDestinations(RelaySettings settings, IDnsLookup? dns = null)
    {
        _settings = settings;
        if (settings.Mx)
            _dns = dns ?? new DnsResolver(settings.ResolverSettings);
        else
            _smarthost = new Destination($"{settings.Host}:{settings.Port}", [new UpstreamHost(settings.Host, null, settings.Port)]);
    }

    /// <summary>The destinations of the relay sink configured by <paramref name="relayBlock"/> (its HOCON block).</summary>
    /// <exception cref="ConfigurationException">The block is invalid; the message names its key.</exception>
    public static RelayDestinations FromConfig(Config relayBlock) => new(RelaySettings.From(relayBlock));

    /// <summary>
    /// The destinations of the relay sink configured by <paramref name="relayBlock"/>, asking <paramref name="dns"/>
    /// (the server's one resolver, <c>actorsmtp.dns</c>) instead of the block's own <c>dns</c> resolvers.
    /// </summary>
    /// <exception cref="ConfigurationException">The block is invalid; the message names its key.</exception>
    public static RelayDestinations FromConfig(Config relayBlock, IDnsLookup dns)
    {
        ArgumentNullException.ThrowIfNull(dns);
        return new(RelaySettings.From(relayBlock), dns);
    }

    /// <summary>Resolves <paramref name="domain"/> (the part after the recipient's last @); never throws for DNS trouble.</summary>
    public Task<DestinationLookup> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        if (_smarthost is not null)
            return Task.FromResult(DestinationLookup.Found(_smarthost));
        if (AddressLiteral(domain) is { } literal)
            return Task.FromResult(Direct($"[{literal}]", literal));
        return LookupAsync(domain.TrimEnd('.').ToLowerInvariant(), cancellationToken);
    }

    private async Task<DestinationLookup> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        var mx = await _dns!.MxAsync(domain, cancellationToken).ConfigureAwait(false);
        if (mx.Status == DnsStatus.NotFound)
            return DestinationLookup.Refused(550, "5.1.2", $"Recipient address rejected: domain {domain} not found");
        if (mx.Status == DnsStatus.Failed)
            return DnsTrouble(domain, mx.Error ?? "no answer");
        var exchanges = mx.Records.OrderBy(record => record.Preference).ThenBy(record => record.Exchange, StringComparer.Ordinal).ToList();
        if (exchanges is [{ Exchange: "" }])
            return DestinationLookup.Refused(556, "5.1.10", $"Recipient address rejected: {domain} accepts no mail (null MX)"); // RFC 7505 §3
        if (exchanges.Count == 0)
        {
            // RFC 5321 §5.1: no MX, the domain itself is the host (its A/AAAA records).
            var (implicitHosts, trouble) = await HostsOfAsync(domain, cancellationToken).ConfigureAwait(false);
            if (implicitHosts.Count > 0)
                return DestinationLookup.Found(new Destination($"host:{domain}", implicitHosts));
            return trouble is null
                ? DestinationLookup.Refused(550, "5.1.2", $"Recipient address rejected: {domain} has no mail host")
                : DnsTrouble(domain, trouble);
        }
        var hosts = new List<UpstreamHost>();
        foreach (var exchange in exchanges)
            hosts.AddRange((await HostsOfAsync(exchange.Exchange, cancellationToken).ConfigureAwait(false)).Hosts);
        return hosts.Count == 0
            ? DnsTrouble(domain, "no MX host has an address")
            : DestinationLookup.Found(new Destination("mx:" + string.Join(",", exchanges.Select(record => record.Exchange).Order(StringComparer.Ordinal)), hosts));
    }

    // A and AAAA at once; the error when neither answered, so a failure is not mistaken for "no address".
    private async Task<(IReadOnlyList<UpstreamHost> Hosts, string? Trouble)> HostsOfAsync(string name, CancellationToken cancellationToken)
    {
        var a = _dns!.AddressesAsync(name, AddressFamily.InterNetwork, cancellationToken).AsTask();
        var aaaa = _dns.AddressesAsync(name, AddressFamily.InterNetworkV6, cancellationToken).AsTask();
        var answers = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
        var hosts = answers.SelectMany(answer => answer.Records).Select(address => new UpstreamHost(name, address, _settings.Port)).ToList();
        var trouble = answers.FirstOrDefault(answer => answer.Status == DnsStatus.Failed)?.Error;
        return (hosts, hosts.Count == 0 ? trouble : null);
    }

    private DestinationLookup Direct(string key, IPAddress address) =>
        DestinationLookup.Found(new Destination(key, [new UpstreamHost(address.ToString(), address, _settings.Port)]));

    // RFC 5321 §4.1.3: user@[192.0.2.1], user@[IPv6:2001:db8::1]
    private static IPAddress? AddressLiteral(string domain) =>
        domain is ['[', .. var inner, ']'] && IPAddress.TryParse(inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? inner[5..] : inner, out var address)
            ? address
            : null;

    private static DestinationLookup DnsTrouble(string domain, string problem) =>
        DestinationLookup.Refused(451, "4.4.3", $"Recipient address rejected: cannot resolve {domain} now ({problem})");
}
