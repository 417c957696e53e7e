using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using ActorSmtp.Server.Listener;

namespace ActorSmtp.Cluster;

/// <summary>
/// Per-client counters shared by every node of the cluster, for cluster-wide per-client limits: a client
/// cannot get N times its connection or rate limit by spreading over N nodes (approximately, see remarks).
/// </summary>
/// <remarks>
/// <para><b>Data:</b> one Akka.DistributedData <c>LWWDictionary&lt;string, long&gt;</c>. Each node writes only
/// its own entries (<c>node|conn|ip</c> = its live connections of that client; <c>node|rate:kind:window|ip</c> =
/// its events in that time window), so every entry has a single writer and last-writer-wins is exact. A
/// client's cluster-wide count is this node's own count (exact, kept here) plus the other nodes' entries as
/// last replicated. Expiry: a node removes its entries when they reach zero and its rate entries once their
/// window is over; any node removes the entries of members that left or were downed, so a crashed node's
/// connections stop counting (unlike a plain PNCounter, whose removed-node share pruning would keep).</para>
/// <para><b>Consistency (eventual, bounded overshoot):</b> checks and increments are local and never wait
/// for the network (<c>WriteLocal</c>). Another node's increment becomes visible here after replication lag
/// L: delta propagation (<c>gossip-interval</c> / 5 = 400 ms by default, full gossip every 2 s as a backstop)
/// plus <c>notify-subscribers-interval</c> (100 ms under actorsmtp.cluster) plus the network. So with N
/// nodes and a limit of K, the admitted count of one client is at most
/// <c>K + (N−1) × min(K, events one node admits for that client within L)</c>, never more than <c>N × K</c>;
/// a client that opens connections more slowly than one per L per node gets exactly K. The overshoot is
/// measured in ClusterCountersSpec. Within a node the count is exact.</para>
/// <para>Thread-safe: call it from any actor or thread. The methods never block.</para>
/// </remarks>
public sealed class ClusterClientCounters : ISharedClientCounters
{
    private static readonly LWWDictionaryKey<string, long> Key = new("actorsmtp-client-counters");
    private const string Connections = "conn";

    private readonly IActorRef _replicator;
    private readonly UniqueAddress _self;
    private readonly string _selfId;
    private readonly ConcurrentDictionary<string, long> _own = new(StringComparer.Ordinal);
    private readonly Func<DateTime> _now;
    private volatile ImmutableDictionary<string, long> _others = ImmutableDictionary<string, long>.Empty;
    private volatile IReadOnlySet<string> _entries = new HashSet<string>();

    internal ClusterClientCounters(ActorSystem system, Func<DateTime>? now = null)
    {
        var ddata = DistributedData.Get(system);
        _replicator = ddata.Replicator;
        _self = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
        _selfId = NodeId(_self.Uid);
        _now = now ?? (() => DateTime.UtcNow);
        system.ActorOf(Props.Create(() => new Subscriber(this)), "actorsmtp-client-counters");
    }

    /// <summary>
    /// Counts one more connection of <paramref name="client"/> if the cluster-wide count is below
    /// <paramref name="limit"/>; false (nothing counted) otherwise. Pair every true with one <see cref="ReleaseConnection"/>.
    /// </summary>
    public bool TryAcquireConnection(IPAddress client, int limit) => TryAdd(Entry(Connections, client), limit);

    /// <summary>The connection counted by a successful <see cref="TryAcquireConnection"/> has closed.</summary>
    public void ReleaseConnection(IPAddress client)
    {
        var entry = Entry(Connections, client);
        lock (_own)
        {
            if (!_own.TryGetValue(entry, out var count) || count <= 0)
                return;
            Write(entry, count - 1);
        }
    }

    /// <summary>
    /// Counts one event of <paramref name="kind"/> (e.g. "messages", "connects", "recipients") for
    /// <paramref name="client"/> in the current fixed window of length <paramref name="window"/>, if the
    /// cluster-wide count in that window is below <paramref name="limit"/>; false (nothing counted) otherwise.
    /// </summary>
    public bool TryCount(string kind, IPAddress client, int limit, TimeSpan window) =>
        TryAdd(Entry(RateKind(kind, window), client), limit);

    /// <summary>The cluster-wide connection count of <paramref name="client"/> as this node sees it now.</summary>
    public long ConnectionCount(IPAddress client) => Total(Entry(Connections, client));

    /// <summary>The cluster-wide count of <paramref name="kind"/> for <paramref name="client"/> in the current window, as seen here.</summary>
    public long Count(string kind, IPAddress client, TimeSpan window) => Total(Entry(RateKind(kind, window), client));

    /// <summary>This node's own non-zero counters ("conn|ip", "rate:kind:window|ip"), for the cluster view.</summary>
    public IReadOnlyDictionary<string, long> OwnCounters() =>
        _own.Where(e => e.Value > 0).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private bool TryAdd(string entry, int limit)
    {
        lock (_own)
        {
            var own = _own.GetValueOrDefault(entry);
            if (own + _others.GetValueOrDefault(entry) >= limit)
                return false;
            Write(entry, own + 1);
            return true;
        }
    }

    private long Total(string entry) => _own.GetValueOrDefault(entry) + _others.GetValueOrDefault(entry);

    // Under the lock: own counts change in the order their writes are sent, so the replicated value is the last one.
    private void Write(string entry, long count)
    {
        var key = _selfId + "|" + entry;
        if (count == 0)
            _own.TryRemove(entry, out _);
        else
            _own[entry] = count;
        // Zero is written, not removed: a removal from the map replicated unreliably through delta gossip (a
        // released count stayed visible elsewhere); Sweep removes the zero entries later.
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, long>.Empty, WriteLocal.Instance,
            map => map.SetItem(_self, key, count)));
    }

    private string RateKind(string kind, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        return $"rate:{kind}:{(long)window.TotalMilliseconds}:{_now().Ticks / window.Ticks}";
    }

    private static string Entry(string kind, IPAddress client) => kind + "|" + client;

    private static string NodeId(long uid) => uid.ToString("x");

    /// <summary>Folds a replicated state into the other nodes' totals; drops what is not ours to keep.</summary>
    private void Replicated(LWWDictionary<string, long> map, ISet<string> members)
    {
        var others = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        var entries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            entries.Add(key);
            var bar = key.IndexOf('|');
            var node = key[..bar];
            if (node == _selfId)
                continue;
            if (!members.Contains(node))
                continue; // a node that left or crashed: its connections are gone (removed by Sweep)
            var entry = key[(bar + 1)..];
            others[entry] = others.GetValueOrDefault(entry) + value;
        }
        _others = others.ToImmutable();
        _entries = entries;
    }

    /// <summary>Removes this node's finished rate windows and every entry of nodes no longer in the cluster.</summary>
    private void Sweep(ISet<string> members)
    {
        var now = _now();
        foreach (var entry in _own.Keys.Where(e => e.StartsWith("rate:", StringComparison.Ordinal) && IsOver(e, now)).ToArray())
            lock (_own)
                Write(entry, 0);
        lock (_own) // a count taken meanwhile must not be removed by this sweep
        {
            var stale = _entries.Where(k => !members.Contains(k[..k.IndexOf('|')]) || (k[(k.IndexOf('|') + 1)..] is var e &&
                ((e.StartsWith("rate:", StringComparison.Ordinal) && IsOver(e, now)) || IsZeroedOwn(k, e)))).ToArray();
            if (stale.Length > 0)
                _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, long>.Empty, WriteLocal.Instance,
                    map => stale.Aggregate(map, (m, k) => m.Remove(_self, k))));
        }
    }

    // One of this node's entries that went back to zero (written as 0, see Write).
    private bool IsZeroedOwn(string key, string entry) =>
        key.StartsWith(_selfId + "|", StringComparison.Ordinal) && !_own.ContainsKey(entry);

    // "rate:kind:windowMs:index|ip": over once the clock has passed the window after it.
    private static bool IsOver(string entry, DateTime now)
    {
        var parts = entry[..entry.IndexOf('|')].Split(':');
        var windowTicks = long.Parse(parts[^2]) * TimeSpan.TicksPerMillisecond;
        return now.Ticks / windowTicks > long.Parse(parts[^1]) + 1;
    }

    /// <summary>Follows the replicated counters and the membership for <see cref="ClusterClientCounters"/>.</summary>
    private sealed class Subscriber : ReceiveActor, IWithTimers
    {
        private readonly ClusterClientCounters _counters;
        private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
        private LWWDictionary<string, long> _last = LWWDictionary<string, long>.Empty;

        public Subscriber(ClusterClientCounters counters)
        {
            _counters = counters;
            Receive<Changed>(c => Fold(c.Get(Key)));
            Receive<ClusterEvent.IMemberEvent>(_ => Fold(_last));
            Receive<ClusterEvent.CurrentClusterState>(_ => Fold(_last));
            Receive<string>(s => s == "sweep", _ => _counters.Sweep(Members()));
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            _counters._replicator.Tell(Dsl.Subscribe(Key, Self));
            _cluster.Subscribe(Self, typeof(ClusterEvent.IMemberEvent));
            Timers.StartPeriodicTimer("sweep", "sweep", TimeSpan.FromSeconds(1));
        }

        protected override void PostStop() => _cluster.Unsubscribe(Self);

        private void Fold(LWWDictionary<string, long> map)
        {
            _last = map;
            _counters.Replicated(map, Members());
        }

        private HashSet<string> Members() => _cluster.State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Leaving)
            .Select(m => NodeId(m.UniqueAddress.Uid)).ToHashSet(StringComparer.Ordinal);
    }
}
