using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>Deleting removes the index entry and both files together, and says so on the event stream.</summary>
public sealed class MailboxDeleteSpec(ITestOutputHelper output) : MailboxSpecBase(output)
{
    [Fact]
    public async Task Deleting_one_message_removes_its_files_and_its_entry()
    {
        var mailbox = await OpenAsync();
        var kept = await StoreAsync(new TestMail());
        var doomed = await StoreAsync(new TestMail { Subject = "doomed words" });
        await ListedAsync(mailbox, 2);

        Assert.True(await mailbox.DeleteAsync(doomed.Id, CancellationToken.None));

        Assert.Equal([kept.Id], StoredIds());
        Assert.False(File.Exists(Path.Combine(MailDirectory, doomed.Id + ".json")));
        Assert.Null(await mailbox.FindAsync(doomed.Id, CancellationToken.None));
        Assert.Empty((await mailbox.ListAsync(new MessageQuery(Text: "doomed"), 10, null, CancellationToken.None)).Messages);
        Assert.False(await mailbox.DeleteAsync(doomed.Id, CancellationToken.None));
        Assert.False(await mailbox.DeleteAsync("../../etc", CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_matching_messages_removes_those_only()
    {
        var mailbox = await OpenAsync();
        var run1 = await StoreManyAsync(3, _ => new TestMail { RcptTo = ["x@run-1.test"] });
        var run2 = await StoreManyAsync(2, _ => new TestMail { RcptTo = ["x@run-2.test"] });
        await ListedAsync(mailbox, 5);

        Assert.Equal(3, await mailbox.DeleteAsync(new MessageQuery(To: "*@run-1.test"), CancellationToken.None));

        Assert.Equal(run2.Select(m => m.Id).Order(StringComparer.Ordinal), StoredIds());
        Assert.Equal(2, (await mailbox.ListAsync(MessageQuery.All, 10, null, CancellationToken.None)).Messages.Count);
        Assert.DoesNotContain(StoredIds(), id => run1.Any(m => m.Id == id));
    }

    [Fact]
    public async Task Deleting_all_empties_folder_and_index_and_tells_subscribers_once()
    {
        var mailbox = await OpenAsync();
        await StoreManyAsync(4);
        await ListedAsync(mailbox, 4);
        await using var events = mailbox.EventsAsync(CancellationToken.None).GetAsyncEnumerator();
        var next = events.MoveNextAsync();

        Assert.Equal(4, await mailbox.DeleteAsync(MessageQuery.All, CancellationToken.None));

        Assert.Empty(StoredIds());
        Assert.Empty((await mailbox.ListAsync(MessageQuery.All, 10, null, CancellationToken.None)).Messages);
        Assert.True(await next);
        Assert.Same(MailboxEvent.Cleared.Instance, events.Current);
        Assert.True(File.Exists(IndexPath)); // the index stays, empty
    }

    [Fact]
    public async Task Subscribers_hear_of_stored_and_deleted_messages()
    {
        var mailbox = await OpenAsync();
        await using var events = mailbox.EventsAsync(CancellationToken.None).GetAsyncEnumerator();
        var first = events.MoveNextAsync();

        var mail = await StoreAsync(new TestMail { Subject = "live" });
        Assert.True(await first.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("live", Assert.IsType<MailboxEvent.Stored>(events.Current).Message.Subject);

        var second = events.MoveNextAsync();
        await mailbox.DeleteAsync(mail.Id, CancellationToken.None);
        Assert.True(await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new MailboxEvent.Deleted(mail.Id), events.Current);
    }

    [Fact]
    public async Task A_subscriber_that_never_reads_is_dropped_and_the_indexer_goes_on()
    {
        var mailbox = await OpenAsync();
        await using var stalled = mailbox.EventsAsync(CancellationToken.None).GetAsyncEnumerator();
        _ = stalled.MoveNextAsync(); // subscribed, then never read again

        await StoreManyAsync(1100); // more events than a subscriber's channel holds
        await ListedAsync(mailbox, 1100);

        var read = 0;
        while (await stalled.MoveNextAsync())
            read++;
        Assert.InRange(read, 1000, 1024); // its stream ended instead of blocking anyone
    }
}
