using System.Net;
using System.Net.Sockets;
using ActorSmtp.Dns;

namespace ActorSmtp.MessageAuthentication.Tests;

/// <summary>
/// An in-process zone of TXT records for the unit tests (DMARC records, DKIM keys; the end-to-end tests ask a real DNS
/// server): a name not given is NXDOMAIN, a name in <see cref="Failing"/> fails.
/// </summary>
internal sealed class FakeDns : IDnsLookup
{
    private readonly Dictionary<string, string[]> _txt = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Failing { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Queries { get; } = [];

    public FakeDns Txt(string name, params string[] records)
    {
        _txt[name] = records;
        return this;
    }

    public ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default)
    {
        Queries.Add(name);
        if (Failing.Contains(name))
            return ValueTask.FromResult(DnsAnswer<string>.Failure("SERVFAIL"));
        return ValueTask.FromResult(_txt.TryGetValue(name, out var records)
            ? DnsAnswer<string>.Of(records)
            : DnsAnswer<string>.NxDomain);
    }

    public ValueTask<DnsAnswer<IPAddress>> AddressesAsync(string name, AddressFamily family, CancellationToken ct = default) =>
        throw new NotSupportedException("these checks ask TXT only");

    public ValueTask<DnsAnswer<MxRecord>> MxAsync(string name, CancellationToken ct = default) =>
        throw new NotSupportedException("these checks ask TXT only");

    public ValueTask<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken ct = default) =>
        throw new NotSupportedException("these checks ask TXT only");
}
