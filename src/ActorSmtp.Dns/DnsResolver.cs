using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorSmtp.Dns.Caching;
using DnsClient;
using DnsClient.Protocol;

namespace ActorSmtp.Dns;

/// <summary>
/// The server's one resolver (<c>actorsmtp.dns</c>) over DnsClient, with its own bounded cache: SPF, DKIM keys,
/// DMARC, blocklists and the relay's MX hosts all ask through it. Thread-safe; never throws for a DNS outcome.
/// </summary>
/// <remarks>
/// NXDOMAIN is <see cref="DnsStatus.NotFound"/>; an answer without records of the asked type is
/// <see cref="DnsStatus.Ok"/> with none; a timeout, SERVFAIL, REFUSED or a socket error is
/// <see cref="DnsStatus.Failed"/> and is not cached. CNAMEs are followed as the server gives them: only records of
/// the asked type are returned. Identical questions asked while one is on the wire share its answer.
/// </remarks>
public sealed class DnsResolver : IDnsLookup
{
    private readonly LookupClient _client;
    private readonly DnsCache _cache;
    private readonly DnsLifetime _lifetime;
    private readonly ConcurrentDictionary<DnsCacheKey, Lazy<Task<object>>> _onTheWire = new();

    /// <param name="settings">Servers, timeout, attempts, cache bounds.</param>
    /// <param name="time">The clock the cache expires by (<see cref="TimeProvider.System"/> unless a test fakes it).</param>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive, attempts is below 1, or max-ttl is below min-ttl.</exception>
    public DnsResolver(DnsSettings settings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.Timeout, TimeSpan.Zero, nameof(settings.Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Attempts, 1, nameof(settings.Attempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Cache.MaxTtl, settings.Cache.MinTtl, nameof(settings.Cache.MaxTtl));
        _client = new LookupClient(ClientOptions(settings));
        _cache = new DnsCache(settings.Cache, time ?? TimeProvider.System);
        _lifetime = new DnsLifetime(settings.Cache);
    }

    /// <summary>How many answers the cache holds now (its bound is <see cref="DnsCacheSettings.MaxEntries"/>).</summary>
    public int CachedAnswers => _cache.Count;

    /// <inheritdoc />
    public ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default) =>
        AskAsync(name, QueryType.TXT, static answers => answers.OfType<TxtRecord>().Select(txt => string.Concat(txt.Text)), ct);

    /// <inheritdoc />
    public ValueTask<DnsAnswer<IPAddress>> AddressesAsync(string name, AddressFamily family, CancellationToken ct = default) =>
        family switch
        {
            AddressFamily.InterNetwork => AskAsync(name, QueryType.A, static answers => answers.OfType<ARecord>().Select(a => a.Address), ct),
            AddressFamily.InterNetworkV6 => AskAsync(name, QueryType.AAAA, static answers => answers.OfType<AaaaRecord>().Select(a => a.Address), ct),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "InterNetwork (A) or InterNetworkV6 (AAAA)"),
        };

    /// <inheritdoc />
    public ValueTask<DnsAnswer<MxRecord>> MxAsync(string name, CancellationToken ct = default) =>
        AskAsync(name, QueryType.MX, static answers => answers.OfType<DnsClient.Protocol.MxRecord>()
            .Select(mx => new MxRecord(mx.Preference, WithoutRoot(mx.Exchange.Value))), ct);

    /// <inheritdoc />
    public ValueTask<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken ct = default) =>
        AskAsync(DnsReverseName.Ptr(address), QueryType.PTR, static answers => answers.OfType<PtrRecord>()
            .Select(ptr => WithoutRoot(ptr.PtrDomainName.Value)), ct);

    private async ValueTask<DnsAnswer<T>> AskAsync<T>(
        string name, QueryType type, Func<IReadOnlyList<DnsResourceRecord>, IEnumerable<T>> select, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        ct.ThrowIfCancellationRequested();
        var key = new DnsCacheKey(WithoutRoot(name.Trim()).ToLowerInvariant(), type);
        if (_cache.TryGet(key, out var cached))
            return (DnsAnswer<T>)cached;
        Lazy<Task<object>>? asked = null;
        asked = new Lazy<Task<object>>(() => QueryOnceAsync(key, select, asked!));
        // The shared query runs to its own timeout; each caller stops waiting when its token says so.
        return (DnsAnswer<T>)await _onTheWire.GetOrAdd(key, asked).Value.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task<object> QueryOnceAsync<T>(
        DnsCacheKey key, Func<IReadOnlyList<DnsResourceRecord>, IEnumerable<T>> select, Lazy<Task<object>> self)
    {
        try
        {
            var (answer, ttl) = await QueryAsync(key, select).ConfigureAwait(false);
            _cache.Put(key, answer, ttl);
            return answer;
        }
        finally
        {
            _onTheWire.TryRemove(KeyValuePair.Create(key, self));
        }
    }

    private async Task<(DnsAnswer<T> Answer, TimeSpan Ttl)> QueryAsync<T>(
        DnsCacheKey key, Func<IReadOnlyList<DnsResourceRecord>, IEnumerable<T>> select)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(key.Name, key.Type, QueryClass.IN, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) // timeouts, sockets, a name DNS cannot carry, an answer DnsClient cannot parse: all one failure
        {
            return (DnsAnswer<T>.Failure(ex.Message), TimeSpan.Zero); // failures are not cached
        }
        return response.Header.ResponseCode switch
        {
            DnsHeaderResponseCode.NoError when select(response.Answers).ToArray() is { Length: > 0 } records =>
                (new DnsAnswer<T>(DnsStatus.Ok, records), _lifetime.Positive(response.Answers)),
            DnsHeaderResponseCode.NoError => (DnsAnswer<T>.NoData, _lifetime.Negative(response.Authorities)),
            DnsHeaderResponseCode.NotExistentDomain => (DnsAnswer<T>.NxDomain, _lifetime.Negative(response.Authorities)),
            var code => (DnsAnswer<T>.Failure($"{code} from {response.NameServer}"), TimeSpan.Zero),
        };
    }

    // MX exchanges and PTR names come fully qualified ("mx.example.test."); RFC 7505's null MX "." becomes "".
    private static string WithoutRoot(string name) => name.EndsWith('.') ? name[..^1] : name;

    private static LookupClientOptions ClientOptions(DnsSettings settings)
    {
        var options = settings.Servers.Count > 0 ? new LookupClientOptions(settings.Servers.ToArray()) : new LookupClientOptions();
        options.Timeout = settings.Timeout;
        options.Retries = settings.Attempts - 1;
        options.UseCache = false; // our own cache: bounded, negative answers by the SOA minimum
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = true;
        options.ContinueOnEmptyResponse = false; // "no data" is an answer, not a reason to ask the next server
        return options;
    }
}
