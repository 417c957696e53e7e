using ActorSmtp.Sinks.Relay.Routing;
using ActorSmtp.Sinks.Relay.Smtp;
using ActorSmtp.Sinks.Relay.Tests.Support;
using Xunit;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>Sessions to one destination: reused after RSET, bounded, dropped when broken or idle too long.</summary>
public sealed class UpstreamPoolTests : IAsyncLifetime
{
    private SmtpSinkProcess _upstream = null!;

    public async Task InitializeAsync() => _upstream = await SmtpSinkProcess.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private UpstreamPool Pool(string extra = "") => new(RelaySettings.From(RelayBlocks.Smarthost(_upstream.Port, extra)));

    private Destination Upstream => new($"127.0.0.1:{_upstream.Port}", [new UpstreamHost("127.0.0.1", null, _upstream.Port)]);

    [Fact]
    public async Task A_returned_session_is_lent_again()
    {
        await using var pool = Pool();
        UpstreamConnection first;
        await using (var lease = await pool.LeaseAsync(Upstream, CancellationToken.None))
            first = lease.Connection;
        Assert.Equal(1, pool.IdleCount(Upstream.Key));

        await using var again = await pool.LeaseAsync(Upstream, CancellationToken.None);
        Assert.Same(first, again.Connection);
    }

    [Fact]
    public async Task A_broken_session_is_closed_not_pooled()
    {
        await using var pool = Pool();
        UpstreamConnection first;
        await using (var lease = await pool.LeaseAsync(Upstream, CancellationToken.None))
        {
            first = lease.Connection;
            first.Break();
        }
        Assert.Equal(0, pool.IdleCount(Upstream.Key));
        await using var again = await pool.LeaseAsync(Upstream, CancellationToken.None);
        Assert.NotSame(first, again.Connection);
    }

    [Fact]
    public async Task No_more_than_max_per_destination_sessions_are_open_at_once()
    {
        await using var pool = Pool("pool.max-per-destination = 1");
        var first = await pool.LeaseAsync(Upstream, CancellationToken.None);
        var second = pool.LeaseAsync(Upstream, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await using var lent = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Same(first.Connection, lent.Connection);
    }

    [Fact]
    public async Task A_session_idle_too_long_is_closed()
    {
        await using var pool = Pool("pool.idle = 200ms");
        UpstreamConnection first;
        await using (var lease = await pool.LeaseAsync(Upstream, CancellationToken.None))
            first = lease.Connection;

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((pool.IdleCount(Upstream.Key) > 0 || !first.IsBroken) && DateTime.UtcNow < deadline)
            await Task.Delay(50); // the sweeper runs every idle / 2
        Assert.Equal(0, pool.IdleCount(Upstream.Key));
        Assert.True(first.IsBroken);
        await using var again = await pool.LeaseAsync(Upstream, CancellationToken.None);
        Assert.NotSame(first, again.Connection);
    }

    [Fact]
    public async Task A_session_the_upstream_closed_meanwhile_is_replaced_after_a_failed_RSET()
    {
        await using var pool = Pool();
        UpstreamConnection first;
        await using (var lease = await pool.LeaseAsync(Upstream, CancellationToken.None))
            first = lease.Connection;
        await _upstream.DisposeAsync(); // the upstream goes away, and comes back on the same port
        _upstream = await SmtpSinkProcess.StartAsync(port: _upstream.Port);

        await using var again = await pool.LeaseAsync(Upstream, CancellationToken.None);
        Assert.NotSame(first, again.Connection);
    }
}
