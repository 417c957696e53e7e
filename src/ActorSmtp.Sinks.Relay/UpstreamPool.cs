using System.Collections.Concurrent;
using ActorSmtp.Sinks.Relay.Routing;
using ActorSmtp.Sinks.Relay.Smtp;

namespace ActorSmtp.Sinks.Relay;

/// <summary>
/// Upstream sessions by destination: at most <c>pool.max-per-destination</c> open at once to each (a further
/// store waits for one, which slows its client down), idle ones kept for <c>pool.idle</c> and proven alive with
/// RSET before they are lent again. A session that failed in any way is closed, never pooled.
/// </summary>
internal sealed class UpstreamPool : IAsyncDisposable
{
    private readonly RelaySettings _settings;
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Timer _sweeper;
    private volatile bool _disposed;

    public UpstreamPool(RelaySettings settings)
    {
        _settings = settings;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, settings.Idle.Ticks / 2));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    /// <summary>A session to <paramref name="destination"/>: an idle one that answers RSET, or a new one.</summary>
    /// <exception cref="UpstreamUnavailableException">No host of the destination could be reached.</exception>
    public async Task<Lease> LeaseAsync(Destination destination, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(destination.Key, _ => new Slot(_settings.MaxPerDestination));
        await slot.Open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (slot.TakeIdle(_settings.Idle) is { } idle)
            {
                if (await idle.ResetAsync(cancellationToken).ConfigureAwait(false))
                    return new Lease(this, slot, idle);
                await idle.DisposeAsync().ConfigureAwait(false); // the upstream closed it meanwhile
            }
            return new Lease(this, slot, await OpenAsync(destination, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            slot.Open.Release();
            throw;
        }
    }

    // RFC 5321 §5.1: try the hosts in order until one takes the session.
    private async Task<UpstreamConnection> OpenAsync(Destination destination, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var host in destination.Hosts)
        {
            try
            {
                return await UpstreamConnection.OpenAsync(host, _settings, cancellationToken).ConfigureAwait(false);
            }
            catch (UpstreamUnavailableException ex)
            {
                failures.Add(ex.Message);
            }
        }
        throw new UpstreamUnavailableException(string.Join("; ", failures.DefaultIfEmpty($"{destination.Key} has no host")));
    }

    private async ValueTask ReturnAsync(Slot slot, UpstreamConnection connection)
    {
        try
        {
            // A store that outlived the sink gives its session back to nobody: close it.
            if (connection.IsBroken || _disposed || !slot.PutIdle(connection))
                await connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            slot.Open.Release();
        }
    }

    private void Sweep()
    {
        foreach (var slot in _slots.Values)
            foreach (var expired in slot.TakeExpired(_settings.Idle))
                _ = expired.DisposeAsync().AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var slot in _slots.Values)
            foreach (var idle in slot.TakeExpired(TimeSpan.Zero))
                await idle.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A session lent to one store; disposing it gives it back (or closes it, when it broke).</summary>
    public sealed class Lease(UpstreamPool pool, Slot slot, UpstreamConnection connection) : IAsyncDisposable
    {
        public UpstreamConnection Connection => connection;

        public ValueTask DisposeAsync() => pool.ReturnAsync(slot, connection);
    }

    /// <summary>One destination's sessions: the bound on open ones and the idle ones, newest last.</summary>
    public sealed class Slot(int max)
    {
        private readonly List<(UpstreamConnection Connection, DateTime Since)> _idle = [];

        public SemaphoreSlim Open { get; } = new(max, max);

        public UpstreamConnection? TakeIdle(TimeSpan idle)
        {
            lock (_idle)
            {
                var fresh = _idle.FindLastIndex(entry => DateTime.UtcNow - entry.Since < idle);
                if (fresh < 0)
                    return null;
                var connection = _idle[fresh].Connection;
                _idle.RemoveAt(fresh);
                return connection;
            }
        }

        public bool PutIdle(UpstreamConnection connection)
        {
            lock (_idle)
            {
                if (_idle.Count >= max)
                    return false;
                _idle.Add((connection, DateTime.UtcNow));
                return true;
            }
        }

        public List<UpstreamConnection> TakeExpired(TimeSpan idle)
        {
            lock (_idle)
            {
                var expired = _idle.Where(entry => DateTime.UtcNow - entry.Since >= idle).Select(entry => entry.Connection).ToList();
                _idle.RemoveAll(entry => expired.Contains(entry.Connection));
                return expired;
            }
        }

        /// <summary>For the specs: how many sessions wait to be lent again.</summary>
        public int IdleCount
        {
            get
            {
                lock (_idle)
                    return _idle.Count;
            }
        }
    }

    /// <summary>For the specs: the idle sessions kept for <paramref name="key"/>.</summary>
    internal int IdleCount(string key) => _slots.TryGetValue(key, out var slot) ? slot.IdleCount : 0;
}
