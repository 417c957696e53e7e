using System.Net;
using System.Net.Sockets;
using ActorSmtp.Dns;

namespace ActorSmtp.MessageAuthentication.Tests.Spf;

/// <summary>
/// The zone data of one section of the RFC 7208 test suite, answered in process (allowed for this table only; the
/// end-to-end tests ask a real DNS server). As the suite's drivers do, a name's SPF (type 99) records stand in for
/// TXT when it has no TXT records; TIMEOUT times out the questions the name has no records for; CNAMEs are followed.
/// </summary>
internal sealed class SuiteZone : IDnsLookup
{
    private readonly Dictionary<string, List<(string Type, object Value)>> _names = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string name, string type, object value)
    {
        var key = name.TrimEnd('.');
        if (!_names.TryGetValue(key, out var records))
            _names[key] = records = [];
        records.Add((type, value));
    }

    // "TXT: NONE" says the name has no TXT records (and so no SPF records stand in for them).
    public ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default) =>
        ValueTask.FromResult(Ask(name, records =>
        {
            var txt = records.Where(r => r.Type == "TXT").ToList();
            return (txt.Count > 0 ? txt : records.Where(r => r.Type == "SPF")).Select(r => Joined(r.Value)).Where(t => t != "NONE");
        }));

    public ValueTask<DnsAnswer<IPAddress>> AddressesAsync(string name, AddressFamily family, CancellationToken ct = default) =>
        ValueTask.FromResult(Ask(name, records => records.Where(r => r.Type == (family == AddressFamily.InterNetwork ? "A" : "AAAA"))
            .Select(r => IPAddress.Parse((string)r.Value))));

    public ValueTask<DnsAnswer<MxRecord>> MxAsync(string name, CancellationToken ct = default) =>
        ValueTask.FromResult(Ask(name, records => records.Where(r => r.Type == "MX").Select(r =>
        {
            var pair = (List<object>)r.Value;
            return new MxRecord(int.Parse((string)pair[0]), ((string)pair[1]).TrimEnd('.'));
        })));

    public ValueTask<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken ct = default) =>
        ValueTask.FromResult(Ask(ReverseName(address), records => records.Where(r => r.Type == "PTR").Select(r => ((string)r.Value).TrimEnd('.'))));

    private DnsAnswer<T> Ask<T>(string name, Func<List<(string Type, object Value)>, IEnumerable<T>> select)
    {
        for (var hops = 0; hops < 8; hops++)
        {
            if (!_names.TryGetValue(name.TrimEnd('.'), out var records))
                return DnsAnswer<T>.NxDomain;
            var found = select(records).ToArray();
            if (found.Length == 0 && records.Any(r => r.Type == "TIMEOUT"))
                return DnsAnswer<T>.Failure("timeout"); // TIMEOUT: questions the name has no records for time out
            if (found.Length > 0 || records.FirstOrDefault(r => r.Type == "CNAME") is not { Value: string alias })
                return new DnsAnswer<T>(DnsStatus.Ok, found);
            name = alias;
        }
        return DnsAnswer<T>.Failure("CNAME loop");
    }

    /// <summary>A TXT record given as a list is one record of several strings, joined (RFC 7208 §3.3).</summary>
    private static string Joined(object value) => value is List<object> strings ? string.Concat(strings.Cast<string>()) : (string)value;

    private static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return string.Join('.', bytes.Reverse()) + ".in-addr.arpa";
        var nibbles = bytes.SelectMany(b => new[] { b >> 4, b & 0xF }).Reverse().Select(n => n.ToString("x"));
        return string.Join('.', nibbles) + ".ip6.arpa";
    }
}
