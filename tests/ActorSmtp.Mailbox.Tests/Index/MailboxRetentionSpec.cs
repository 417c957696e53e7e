using System.Diagnostics.Metrics;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>Retention keeps the store within its bounds, oldest first, files and index together.</summary>
public sealed class MailboxRetentionSpec(ITestOutputHelper output) : MailboxSpecBase(output)
{
    [Fact]
    public async Task With_max_messages_100_after_150_exactly_the_newest_100_remain()
    {
        using var purged = new PurgeCounter();
        var mailbox = await OpenAsync(new RetentionSettings(100, TimeSpan.Zero, 0));
        var mails = await StoreManyAsync(150);
        var newest = mails.OrderBy(m => m.ReceivedAt).Skip(50).Select(m => m.Id).Order(StringComparer.Ordinal).ToArray();

        await AwaitAssertAsync(() => Assert.Equal(newest, StoredIds()), TimeSpan.FromSeconds(10));
        var listed = await ListedAsync(mailbox, 100);

        Assert.Equal(newest, listed.Messages.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(50, purged.Total);
        Assert.Contains(Logged.Lines, line => line.StartsWith("mailbox: retention removed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Max_size_removes_the_oldest_until_the_store_fits()
    {
        var mails = Enumerable.Range(0, 10).Select(i => new TestMail { Text = new string('x', 1000) }).ToArray();
        var size = mails[0].Bytes().Length;
        var mailbox = await OpenAsync(new RetentionSettings(0, TimeSpan.Zero, size * 4 + size / 2));
        foreach (var mail in mails)
            await StoreAsync(mail);

        await AwaitAssertAsync(() => Assert.Equal(mails[^4..].Select(m => m.Id).Order(StringComparer.Ordinal), StoredIds()), TimeSpan.FromSeconds(10));
        await ListedAsync(mailbox, 4);
    }

    [Fact]
    public async Task Max_age_removes_expired_messages_at_open_and_as_they_expire()
    {
        var ancient = await StoreAsync(new TestMail { ReceivedAt = DateTimeOffset.UtcNow.AddDays(-2) });
        var soon = await StoreAsync(new TestMail { ReceivedAt = DateTimeOffset.UtcNow.AddSeconds(-1) });
        var fresh = await StoreAsync(new TestMail { ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(10) });

        var mailbox = await OpenAsync(new RetentionSettings(0, TimeSpan.FromSeconds(3), 0)); // checked every 750 ms

        Assert.DoesNotContain(ancient.Id, StoredIds()); // at open
        Assert.Contains(soon.Id, StoredIds());
        await AwaitAssertAsync(() => Assert.Equal([fresh.Id], StoredIds()), TimeSpan.FromSeconds(10)); // on the timer
        Assert.Equal([fresh.Id], (await mailbox.ListAsync(MessageQuery.All, 10, null, CancellationToken.None)).Messages.Select(m => m.Id));
    }

    /// <summary>Listens to actorsmtp.mailbox.purged on the ActorSmtp meter, as the /metrics exporter does.</summary>
    private sealed class PurgeCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public PurgeCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "ActorSmtp" && instrument.Name == "actorsmtp.mailbox.purged")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
