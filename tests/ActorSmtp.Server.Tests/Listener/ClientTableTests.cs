using System.Net;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Listener;
using Xunit;

namespace ActorSmtp.Server.Tests.Listener;

/// <summary>The listener's per-client bookkeeping: sliding windows, release, forgetting, the size cap.</summary>
public sealed class ClientTableTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");

    private static ProtectionSettings Limits(int connections = 0, int rate = 0) =>
        ProtectionSettings.None with { MaxConnectionsPerClient = connections, ConnectionRatePerClient = rate, TrustedNetworks = [IPNetwork.Parse("127.0.0.0/8")] };

    [Fact]
    public void The_rate_window_slides_over_the_previous_minute()
    {
        var window = new RateWindow();
        const long minute = 60_000, start = 10 * minute;
        for (var i = 0; i < 10; i++)
            Assert.True(window.TryTake(start + i, 10));
        Assert.False(window.TryTake(start + 100, 10));
        // Half way into the next minute half of the previous one still counts: 5 more fit.
        for (var i = 0; i < 5; i++)
            Assert.True(window.TryTake(start + minute + minute / 2, 10));
        Assert.False(window.TryTake(start + minute + minute / 2, 10));
        Assert.True(window.TryTake(start + 3 * minute, 10)); // long after: all forgotten
    }

    [Fact]
    public void A_burst_at_the_end_of_a_minute_still_counts_just_after_it()
    {
        var window = new RateWindow();
        const long minute = 60_000, end = 11 * minute - 1;
        for (var i = 0; i < 3; i++)
            Assert.True(window.TryTake(end, 3));
        // 1 ms later 2.99995 of the 3 still count: not enough room for a whole event.
        Assert.False(window.TryTake(end + 2, 3));
        // 21 s in (over a third of the way), one whole event has slid out: room for one.
        Assert.True(window.TryTake(end + 21_000, 3));
        Assert.False(window.TryTake(end + 21_000, 3));
    }

    [Fact]
    public void Concurrent_connections_are_counted_until_released_and_trusted_clients_are_not_tracked()
    {
        var table = new ClientTable(Limits(connections: 2));
        Assert.Equal(Admission.Admitted, table.Admit(Client, 1000, out var first));
        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Parse("::ffff:192.0.2.1"), 1000, out var second)); // same client, dual stack
        Assert.Same(first, second);
        Assert.Equal(Admission.TooManyConnections, table.Admit(Client, 1000, out _));
        table.Release(first!, 2000);
        Assert.Equal(Admission.Admitted, table.Admit(Client, 2000, out _));

        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Loopback, 2000, out var trusted));
        Assert.Null(trusted);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void IPv6_clients_count_per_prefix()
    {
        var table = new ClientTable(Limits(connections: 1));
        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Parse("2001:db8:1:2:3::1"), 1000, out _));
        Assert.Equal(Admission.TooManyConnections, table.Admit(IPAddress.Parse("2001:db8:1:2:3:fff:ffff:9"), 1000, out _)); // same /84
        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Parse("2001:db8:1:2:3:1000::1"), 1000, out _));        // the next /84
    }

    [Fact]
    public void Idle_clients_are_forgotten_and_the_table_is_capped()
    {
        var table = new ClientTable(Limits(rate: 100), maxClients: 2);
        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Parse("192.0.2.1"), 1000, out var a));
        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Parse("192.0.2.2"), 1000, out _));
        Assert.Equal(Admission.TooManyClients, table.Admit(IPAddress.Parse("192.0.2.3"), 1000, out _));

        table.Release(a!, 1000);
        Assert.Equal(Admission.Admitted, table.Admit(IPAddress.Parse("192.0.2.3"), 1000 + 3 * 60_000, out _)); // .1 was forgotten
        Assert.Equal(2, table.Count);
    }
}
