using System.Diagnostics;
using System.Text;
using Xunit;

namespace ActorSmtp.Sinks.Testing;

public abstract partial class SinkContract
{
    private const string DiscardsContent = "the sink keeps no content to read back (StoresContent = false)";
    private const string RefusesEverything = "the sink refuses every message (AcceptsMessages = false)";

    // Chunk sizes cycled through when feeding: single bytes, odd sizes, the server's 16 KiB, a big one.
    private static readonly int[] ChunkSizes = [1, 7, 16 * 1024, 333, 64 * 1024, 2, 4093];

    [ContractFact]
    public async Task Stores_the_exact_bytes_of_a_small_in_memory_body()
    {
        SkipUnless(AcceptsMessages, RefusesEverything);
        SkipUnless(StoresContent, DiscardsContent);
        var id = NewMessageId();
        var message = Message(id, "small", "Hello,\r\n\r\nthis is a small message.\r\n"u8);
        var body = MessageBody.FromChunks(message.AsMemory(0, 40), message.AsMemory(40));

        Sink.Tell(NewStore(id, message, body), TestActor);

        await AssertStoredExactlyAsync(await ExpectAnswerAsync(id), message);
    }

    [ContractFact]
    public async Task Stores_the_exact_bytes_of_a_large_body_streamed_in_many_chunks()
    {
        SkipUnless(AcceptsMessages, RefusesEverything);
        SkipUnless(StoresContent, DiscardsContent);
        var id = NewMessageId();
        var message = Message(id, "large", RandomLines(LargeBodySize, seed: 1));
        var headLength = message.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        var feed = new BodyFeed([message.AsMemory(0, headLength)]); // the head in memory, the rest streamed

        Sink.Tell(NewStore(id, message, feed.Body), TestActor);
        FeedInBackground(feed, message[headLength..], ChunkSizes);

        await AssertStoredExactlyAsync(await ExpectAnswerAsync(id), message);
    }

    [ContractFact]
    public async Task Stores_8bit_bytes_and_lines_of_dots_as_they_are_without_adding_a_final_CRLF()
    {
        SkipUnless(AcceptsMessages, RefusesEverything);
        SkipUnless(StoresContent, DiscardsContent);
        var id = NewMessageId();
        // After dot-unstuffing a line may be "." or start with dots; the last line may lack its CR LF.
        var octets = Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => b is not (byte)'\r' and not (byte)'\n').ToArray();
        byte[] text = [.. ".\r\n..\r\n.leading dot\r\n"u8, .. octets, .. "\r\n\r\n.\r\nGr\u00fc\u00dfe \u2709\r\n"u8.ToArray(), .. Encoding.UTF8.GetBytes("\u00e9t\u00e9"),
            .. "\r\n. \r\nno line end at the end"u8];
        var message = Message(id, "8bit", text);
        var feed = new BodyFeed();

        Sink.Tell(NewStore(id, message, feed.Body), TestActor);
        FeedInBackground(feed, message, [5, 1, 64, 3]);

        await AssertStoredExactlyAsync(await ExpectAnswerAsync(id), message);
    }

    [ContractFact]
    public async Task Stores_an_empty_body_as_empty()
    {
        SkipUnless(AcceptsMessages, RefusesEverything);
        SkipUnless(StoresContent, DiscardsContent);
        var id = NewMessageId();

        Sink.Tell(NewStore(id, [], MessageBody.FromChunks()), TestActor);

        await AssertStoredExactlyAsync(await ExpectAnswerAsync(id), []);
    }

    [ContractFact]
    public async Task Answers_every_store_exactly_once_with_its_message_id()
    {
        var sent = new Dictionary<string, byte[]?>(); // null: its body fails
        for (var i = 0; i < 4; i++)
        {
            var id = NewMessageId();
            var message = Message(id, $"once {i}", RandomLines(1000 + i * 20_000, seed: i));
            var feed = new BodyFeed();
            var fails = i == 2;
            sent[id] = fails ? null : message;
            Sink.Tell(NewStore(id, message, feed.Body), TestActor);
            FeedInBackground(feed, message, ChunkSizes, fails ? new IOException("client went away") : null);
        }

        var answers = new List<SinkProtocol.Result>();
        for (var i = 0; i < sent.Count; i++)
            answers.Add(await ExpectMsgAsync<SinkProtocol.Result>(AnswerWithin));
        await ExpectNoMsgAsync(QuietPeriod);

        Assert.Equal(sent.Keys.Order(), answers.Select(a => a.MessageId).Order());
        foreach (var answer in answers)
        {
            if (sent[answer.MessageId] is { } message)
                await AssertStoredExactlyAsync(answer, message);
            else
                Assert.IsNotType<SinkProtocol.Stored>(answer);
        }
    }

    [ContractFact]
    public async Task Stores_nothing_and_does_not_answer_Stored_when_the_body_fails_midway()
    {
        var before = await ListStoredAsync();
        var id = NewMessageId();
        var message = Message(id, "doomed", RandomLines(1024 * 1024, seed: 7));
        var headLength = message.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        var feed = new BodyFeed([message.AsMemory(0, headLength)]);

        Sink.Tell(NewStore(id, message, feed.Body), TestActor);
        FeedInBackground(feed, message[headLength..], ChunkSizes, new IOException("client went away"));

        Assert.IsNotType<SinkProtocol.Stored>(await ExpectAnswerAsync(id));
        await ExpectNoMsgAsync(QuietPeriod);
        await AssertNothingStoredSinceAsync(before);
    }

    [ContractFact]
    public async Task Honours_Store_Timeout_from_the_end_of_data_and_stores_nothing_after_a_late_failure()
    {
        var before = await ListStoredAsync();
        var id = NewMessageId();
        var message = Message(id, "in a hurry", RandomLines(100_000, seed: 3));
        var clock = Stopwatch.StartNew();

        // The body has ended already, so the clock runs at once; few sinks store anything in a millisecond.
        Sink.Tell(NewStore(id, message, MessageBody.FromChunks(message)) with { Timeout = TimeSpan.FromMilliseconds(1) }, TestActor);

        var answer = await ExpectAnswerAsync(id, TimeoutGrace);
        Assert.True(clock.Elapsed <= TimeoutGrace, $"answered after {clock.Elapsed}");
        if (answer is SinkProtocol.Stored)
        {
            await AssertStoredExactlyAsync(answer, message); // it was that quick
            return;
        }
        // The client has had its 451: nothing may appear, not even later (where the sink can take a store back).
        await ExpectNoMsgAsync(QuietPeriod + QuietPeriod);
        if (TakesBackLateStores)
            await AssertNothingStoredSinceAsync(before);
    }

    [ContractFact]
    public async Task Does_not_time_out_while_the_body_is_still_arriving()
    {
        SkipUnless(AcceptsMessages, RefusesEverything);
        var id = NewMessageId();
        var message = Message(id, "slow client", RandomLines(100_000, seed: 4));
        var feed = new BodyFeed([message.AsMemory(0, 50_000)]);

        // Store.Timeout is the sink's time once the body has ended; before that the client is the one being waited for.
        Sink.Tell(NewStore(id, message, feed.Body) with { Timeout = StoreTimeout }, TestActor);
        feed.TryWrite(message.AsMemory(50_000, 10_000));
        await ExpectNoMsgAsync(StoreTimeout * 3);
        FeedInBackground(feed, message[60_000..], ChunkSizes);

        await AssertStoredExactlyAsync(await ExpectAnswerAsync(id), message);
    }

    [ContractFact]
    public async Task Answers_Abandoned_with_the_cause_when_the_client_broke_the_body_off()
    {
        SkipUnless(AcceptsMessages, RefusesEverything);
        var before = await ListStoredAsync();
        var id = NewMessageId();
        var message = Message(id, "hung up", RandomLines(200_000, seed: 5));
        var headLength = message.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        var feed = new BodyFeed([message.AsMemory(0, headLength)]);

        Sink.Tell(NewStore(id, message, feed.Body), TestActor);
        FeedInBackground(feed, message[headLength..100_000], ChunkSizes,
            new MessageBodyException(BodyFailureCause.ConnectionClosed, "The client closed the connection before the end of data."));

        // Not a TemporaryFailure: the sink did nothing wrong, and its circuit breaker must not count it.
        var abandoned = Assert.IsType<SinkProtocol.Abandoned>(await ExpectAnswerAsync(id));
        Assert.Equal(BodyFailureCause.ConnectionClosed, abandoned.Cause);
        await ExpectNoMsgAsync(QuietPeriod);
        await AssertNothingStoredSinceAsync(before);
    }

    [ContractFact]
    public async Task Stores_concurrent_messages_each_exactly_and_apart()
    {
        var messages = Enumerable.Range(0, ConcurrentStores).Select(i =>
        {
            var id = NewMessageId();
            return (Id: id, Bytes: Message(id, $"concurrent {i}", RandomLines(16 * 1024 + i * 4099, seed: 100 + i)));
        }).ToDictionary(m => m.Id, m => m.Bytes);
        var feeds = messages.ToDictionary(m => m.Key, _ => new BodyFeed());

        foreach (var (id, message) in messages)
            Sink.Tell(NewStore(id, message, feeds[id].Body), TestActor);
        foreach (var (id, message) in messages)
            FeedInBackground(feeds[id], message, ChunkSizes);

        var answers = new List<SinkProtocol.Result>();
        for (var i = 0; i < messages.Count; i++)
            answers.Add(await ExpectMsgAsync<SinkProtocol.Result>(AnswerWithin));
        Assert.Equal(messages.Keys.Order(), answers.Select(a => a.MessageId).Order());
        foreach (var answer in answers)
            await AssertStoredExactlyAsync(answer, messages[answer.MessageId]);
    }
}
