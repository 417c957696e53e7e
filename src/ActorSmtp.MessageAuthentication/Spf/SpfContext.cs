using System.Net;
using ActorSmtp.Dns;

namespace ActorSmtp.MessageAuthentication.Spf;

/// <summary>
/// The values the macros expand to (RFC 7208 §7.2) for one check_host() call: the sender, the client, and the current
/// domain, which include and redirect change.
/// </summary>
internal sealed record SpfContext(IDnsLookup Dns, IPAddress Client, string Sender, string LocalPart, string SenderDomain,
    string Domain, string Helo, string ReceiverHost)
{
    public SpfContext At(string domain) => this with { Domain = domain };

    /// <summary>%{p}: a name of the client's PTR records that resolves back to it, preferring the current domain (§7.3).</summary>
    public async ValueTask<string> ValidatedNameAsync(CancellationToken ct)
    {
        var names = await ValidatedNamesAsync(ct).ConfigureAwait(false);
        return names.FirstOrDefault(n => n.Equals(Domain, StringComparison.OrdinalIgnoreCase))
            ?? names.FirstOrDefault(n => n.EndsWith("." + Domain, StringComparison.OrdinalIgnoreCase))
            ?? names.FirstOrDefault()
            ?? "unknown";
    }

    /// <summary>§5.5: the first ten PTR names of the client whose A/AAAA records include it; a DNS error matches nothing.</summary>
    public async ValueTask<IReadOnlyList<string>> ValidatedNamesAsync(CancellationToken ct)
    {
        var ptr = await Dns.PtrAsync(Client, ct).ConfigureAwait(false);
        var validated = new List<string>();
        foreach (var name in ptr.Records.Take(10))
        {
            var addresses = await Dns.AddressesAsync(name, Client.AddressFamily, ct).ConfigureAwait(false);
            if (addresses.Records.Contains(Client))
                validated.Add(name);
        }
        return validated;
    }
}
