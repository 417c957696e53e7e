using System.Net;
using System.Net.Sockets;
using ActorSmtp.Dns;

namespace ActorSmtp.MessageAuthentication.Tests.Dkim;

/// <summary>An in-process zone of TXT records for unit tests (the end-to-end tests use a real DNS server).</summary>
internal sealed class TxtZone : IDnsLookup
{
    private readonly Dictionary<string, string[]> _txt = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _failing = new(StringComparer.OrdinalIgnoreCase);

    public int Queries { get; private set; }

    public TxtZone With(string name, params string[] records)
    {
        _txt[name] = records;
        return this;
    }

    public TxtZone Failing(string name)
    {
        _failing.Add(name);
        return this;
    }

    public ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default)
    {
        Queries++;
        return ValueTask.FromResult(_failing.Contains(name) ? DnsAnswer<string>.Failure("timeout")
            : _txt.TryGetValue(name, out var records) ? DnsAnswer<string>.Of(records) : DnsAnswer<string>.NxDomain);
    }

    public ValueTask<DnsAnswer<IPAddress>> AddressesAsync(string name, AddressFamily family, CancellationToken ct = default) =>
        ValueTask.FromResult(DnsAnswer<IPAddress>.NxDomain);

    public ValueTask<DnsAnswer<MxRecord>> MxAsync(string name, CancellationToken ct = default) =>
        ValueTask.FromResult(DnsAnswer<MxRecord>.NxDomain);

    public ValueTask<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken ct = default) =>
        ValueTask.FromResult(DnsAnswer<string>.NxDomain);
}
