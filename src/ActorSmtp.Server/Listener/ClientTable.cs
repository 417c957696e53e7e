using System.Net;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// Events per minute as a sliding-window counter: this minute's count plus the previous minute's,
/// weighted by how much of it still lies in the last 60 s. Two counters, whatever the rate (the
/// approximation Cloudflare and nginx-style limiters use). Thread-safe: the sessions of one client run
/// on different threads.
/// </summary>
internal sealed class RateWindow
{
    private const long WindowMs = 60_000;
    private readonly Lock _lock = new();
    private long _index = long.MinValue;
    private int _current;
    private int _previous;

    /// <summary>Counts one event at <paramref name="now"/> (ms) unless <paramref name="limit"/> per minute is reached; 0 = no limit.</summary>
    public bool TryTake(long now, int limit)
    {
        if (limit <= 0)
            return true;
        lock (_lock)
        {
            var index = now / WindowMs;
            if (index != _index)
            {
                _previous = index == _index + 1 ? _current : 0;
                _current = 0;
                _index = index;
            }
            var previousWeight = 1.0 - (double)(now % WindowMs) / WindowMs;
            // Rounded up: an event of the previous minute is forgotten only once a whole one has slid out,
            // so a burst at a minute's end is not let in again, in part, a moment after the boundary.
            if (Math.Ceiling(_previous * previousWeight) + _current >= limit)
                return false;
            _current++;
            return true;
        }
    }
}

/// <summary>
/// One client address: its open connections (kept by the listener alone) and its rates. The sessions
/// of its connections share the message, recipient, AUTH and TLS session rates through <see cref="IClientRates"/>.
/// In a cluster the rates also count cluster-wide (<see cref="ISharedClientCounters"/>, eventually consistent).
/// </summary>
internal sealed class ClientEntry(IPAddress address, ProtectionSettings limits, ISharedClientCounters? cluster = null) : IClientRates
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly RateWindow _messages = new();
    private readonly RateWindow _recipients = new();
    private readonly RateWindow _auths = new();
    private readonly RateWindow _tlsSessions = new();

    public IPAddress Address { get; } = address;

    /// <summary>Open connections; only the listener reads or writes it.</summary>
    public int Connections { get; set; }

    /// <summary>When the client last connected or disconnected (ms); only the listener uses it.</summary>
    public long LastSeen { get; set; }

    public RateWindow Connects { get; } = new();

    public bool TryTakeMessage() => TryTake(_messages, limits.MessageRatePerClient, "messages");

    public bool TryTakeRecipient() => TryTake(_recipients, limits.RecipientRatePerClient, "recipients");

    public bool TryTakeAuth() => TryTake(_auths, limits.AuthRatePerClient, "auths");

    public bool TryTakeTlsSession() => TryTake(_tlsSessions, limits.TlsSessionRatePerClient, "tls-sessions");

    /// <summary>Counts one event on this node, then cluster-wide under <paramref name="kind"/>.</summary>
    private bool TryTake(RateWindow window, int perMinute, string kind) =>
        window.TryTake(Environment.TickCount64, perMinute) && ClusterAllows(kind, perMinute);

    /// <summary>Counts one event cluster-wide; true without a cluster or a limit.</summary>
    public bool ClusterAllows(string kind, int perMinute) =>
        cluster is null || perMinute <= 0 || cluster.TryCount(kind, Address, perMinute, Minute);
}

internal enum Admission
{
    Admitted,
    TooManyConnections,
    TooFast,
    /// <summary>More distinct clients are being tracked than the table holds (a flood from many addresses).</summary>
    TooManyClients,
}

/// <summary>
/// The per-client limits (Postfix anvil): concurrent connections and connections per minute, checked by
/// the listener at accept, or once a PROXY header named the real client. Owned by the listener actor;
/// memory stays bounded because a client without connections is forgotten once its rate windows no
/// longer matter (two minutes).
/// </summary>
/// <remarks>
/// With <paramref name="cluster"/> (a cluster node), connections and rates also count across the cluster, so
/// a client cannot get N times its limits by spreading over N nodes (bounded overshoot, see the README).
/// </remarks>
internal sealed class ClientTable(
    ProtectionSettings limits, int maxClients = ClientTable.DefaultMaxClients, ISharedClientCounters? cluster = null)
{
    /// <summary>~200 bytes each: at most ~20 MB however many addresses (think IPv6) a flood comes from.</summary>
    public const int DefaultMaxClients = 100_000;

    private const long ForgetAfterMs = 2 * 60_000;
    private readonly Dictionary<IPAddress, ClientEntry> _clients = [];
    private long _nextSweep;

    public int Count => _clients.Count;

    /// <summary>
    /// Admits a connection from <paramref name="address"/> or says why not. An admitted connection of a
    /// limited client gets its <paramref name="entry"/>, to be given back with <see cref="Release"/>;
    /// trusted clients (and every client when no per-client limit is on) get none.
    /// </summary>
    public Admission Admit(IPAddress address, long now, out ClientEntry? entry)
    {
        entry = null;
        if (!limits.LimitsClients || limits.IsTrusted(address))
            return Admission.Admitted;
        address = limits.ClientKey(address);
        if (!_clients.TryGetValue(address, out var client))
        {
            if (_clients.Count >= maxClients)
            {
                _nextSweep = 0;
                Sweep(now);
                if (_clients.Count >= maxClients)
                    return Admission.TooManyClients; // fail closed: the table is the only memory of who is who
            }
            _clients.Add(address, client = new ClientEntry(address, limits, cluster));
        }
        client.LastSeen = now;
        if (limits.MaxConnectionsPerClient > 0 && client.Connections >= limits.MaxConnectionsPerClient)
            return Admission.TooManyConnections;
        if (!client.Connects.TryTake(now, limits.ConnectionRatePerClient))
            return Admission.TooFast;
        if (cluster is not null && limits.MaxConnectionsPerClient > 0 && !cluster.TryAcquireConnection(address, limits.MaxConnectionsPerClient))
            return Admission.TooManyConnections;
        if (!client.ClusterAllows("connects", limits.ConnectionRatePerClient))
        {
            if (cluster is not null && limits.MaxConnectionsPerClient > 0)
                cluster.ReleaseConnection(address);
            return Admission.TooFast;
        }
        client.Connections++;
        entry = client;
        return Admission.Admitted;
    }

    public void Release(ClientEntry entry, long now)
    {
        if (cluster is not null && limits.MaxConnectionsPerClient > 0)
            cluster.ReleaseConnection(entry.Address);
        entry.Connections--;
        entry.LastSeen = now;
    }

    /// <summary>Forgets idle clients; cheap to call every heartbeat (it works every 30 s at most).</summary>
    public void Sweep(long now)
    {
        if (now < _nextSweep)
            return;
        _nextSweep = now + 30_000;
        foreach (var (address, client) in _clients)
        {
            if (client.Connections == 0 && now - client.LastSeen > ForgetAfterMs)
                _clients.Remove(address); // allowed while enumerating since .NET Core 3.0
        }
    }
}
