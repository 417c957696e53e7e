using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>AwaitAsync: the first matching message as soon as it is stored, one already stored since <c>since</c>, null at the timeout.</summary>
public sealed class MailboxAwaitSpec(ITestOutputHelper output) : MailboxSpecBase(output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_await_started_before_the_message_answers_once_it_is_stored()
    {
        var mailbox = await OpenAsync();
        var awaiting = mailbox.AwaitAsync(new MessageQuery(To: "*@run-7.test", Subject: "welcome"), null, Long, CancellationToken.None);

        await StoreAsync(new TestMail { RcptTo = ["someone@run-8.test"], Subject = "Welcome" });
        await StoreAsync(new TestMail { RcptTo = ["someone@run-7.test"], Subject = "Goodbye" });
        var match = await StoreAsync(new TestMail { RcptTo = ["someone@run-7.test"], Subject = "Welcome aboard" });

        Assert.Equal(match.Id, (await awaiting.WaitAsync(Long))?.Id);
    }

    [Fact]
    public async Task An_await_after_the_message_was_stored_finds_it_by_since()
    {
        var mailbox = await OpenAsync();
        var since = DateTimeOffset.UtcNow.AddMinutes(-40); // TestMail's clock starts 30 min ago
        var first = await StoreAsync(new TestMail { RcptTo = ["a@run-9.test"] });
        await StoreAsync(new TestMail { RcptTo = ["b@run-9.test"] });
        await ListedAsync(mailbox, 2);

        var found = await mailbox.AwaitAsync(new MessageQuery(To: "*@run-9.test"), since, TimeSpan.FromMilliseconds(1), CancellationToken.None);

        Assert.Equal(first.Id, found?.Id); // the first one stored since then
        Assert.Null(await mailbox.AwaitAsync(new MessageQuery(To: "*@run-9.test"), DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task An_await_for_text_answers_when_the_body_matches()
    {
        var mailbox = await OpenAsync();
        var awaiting = mailbox.AwaitAsync(new MessageQuery(Text: "confirmation 90210"), null, Long, CancellationToken.None);

        await StoreAsync(new TestMail { Text = "confirmation pending" });
        var match = await StoreAsync(new TestMail { Text = "Your confirmation code is 90210." });

        Assert.Equal(match.Id, (await awaiting.WaitAsync(Long))?.Id);
    }

    [Fact]
    public async Task An_await_with_no_match_answers_null_at_its_timeout()
    {
        var mailbox = await OpenAsync();
        await StoreAsync(new TestMail());
        var started = DateTimeOffset.UtcNow;

        var result = await mailbox.AwaitAsync(new MessageQuery(To: "nobody@*"), null, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Null(result);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task A_cancelled_await_is_cancelled()
    {
        var mailbox = await OpenAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mailbox.AwaitAsync(MessageQuery.All, null, Long, cancel.Token));
    }

    [Fact]
    public async Task A_thousand_concurrent_awaits_each_get_their_message()
    {
        var mailbox = await OpenAsync();
        var threads = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        var awaits = Enumerable.Range(0, 1000)
            .Select(i => mailbox.AwaitAsync(new MessageQuery(To: $"user{i}@load.test"), null, TimeSpan.FromSeconds(60), CancellationToken.None))
            .ToArray();
        // No thread per waiter: a thousand waiters would add a thousand threads. The margin is for the thread
        // pool and the other test classes running in parallel in this process (CI once saw +41).
        Assert.InRange(System.Diagnostics.Process.GetCurrentProcess().Threads.Count, 0, threads + 250);

        var mails = await StoreManyAsync(1000, i => new TestMail { RcptTo = [$"user{i}@load.test"] });

        var results = await Task.WhenAll(awaits).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(mails.Select(m => m.Id), results.Select(r => r?.Id));
    }
}
