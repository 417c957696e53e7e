using Akka.Actor;
using ActorSmtp.Sinks.File;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>The <see cref="MessageStored"/> event: published once a message is final, never for one that is not.</summary>
public sealed class FileSinkEventSpec : FileSinkSpecBase
{
    private readonly TestProbe _events;

    public FileSinkEventSpec(ITestOutputHelper output)
        : base(output)
    {
        _events = CreateTestProbe();
        Sys.EventStream.Subscribe(_events, typeof(MessageStored));
    }

    [Fact]
    public async Task A_stored_message_is_published_with_its_files_and_size()
    {
        var id = NewId();

        await StoreAsync(CreateSink(), Store(id, Bytes("Subject: e\r\n\r\nbody\r\n")));

        var stored = await _events.ExpectMsgAsync<MessageStored>();
        Assert.Equal(new MessageStored(MailDirectory, id, Path.Combine(MailDirectory, id + ".eml"), Path.Combine(MailDirectory, id + ".json"), 20), stored);
        Assert.True(System.IO.File.Exists(stored.EmlPath) && System.IO.File.Exists(stored.JsonPath));
    }

    [Fact]
    public async Task The_event_follows_the_answer_so_no_reader_learns_of_a_message_before_its_sender()
    {
        // The mailbox answers a test's await from this event: told before the 250, it answered before the client had
        // it (the await-latency probe saw 2-3 in 500 on loopback). The answer goes to the sender first, then the event;
        // both recorders run on the telling thread (calling-thread dispatcher), so they log the order as it happened.
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sender = Recorder(order);
        var reader = Recorder(order);
        sender.Tell("ready");
        reader.Tell("ready");
        await AwaitConditionAsync(() => Task.FromResult(order.Count == 2)); // both started: neither lags behind
        Sys.EventStream.Subscribe(reader, typeof(MessageStored));
        var sink = CreateSink();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var id = NewId();
            ids.Add(id);
            sink.Tell(Store(id, Bytes("Subject: e\r\n\r\nbody\r\n")), sender);
            Assert.Equal(id, (await _events.ExpectMsgAsync<MessageStored>()).Id);
        }
        await AwaitConditionAsync(() => Task.FromResult(order.Count == 42));
        Assert.Equal(ids.SelectMany(id => new[] { $"answer {id}", $"event {id}" }), order.Skip(2));
    }

    private IActorRef Recorder(System.Collections.Concurrent.ConcurrentQueue<string> order) =>
        Sys.ActorOf(Props.Create(() => new OrderRecorder(order)).WithDispatcher("akka.test.calling-thread-dispatcher"));

    /// <summary>Logs each answer and event as it arrives.</summary>
    private sealed class OrderRecorder : ReceiveActor
    {
        public OrderRecorder(System.Collections.Concurrent.ConcurrentQueue<string> order)
        {
            Receive<SinkProtocol.Result>(answer => order.Enqueue($"answer {answer.MessageId}"));
            Receive<MessageStored>(stored => order.Enqueue($"event {stored.Id}"));
            Receive<string>(order.Enqueue);
        }
    }

    [Fact]
    public async Task A_body_still_streaming_is_not_published_until_it_is_stored()
    {
        var release = new TaskCompletionSource<bool>();
        var id = NewId();
        CreateSink().Tell(Store(id, GatedBody(Bytes("first half\r\n"), release.Task, Bytes("second half\r\n"))), TestActor);

        await _events.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        release.SetResult(true);

        await ExpectMsgAsync<SinkProtocol.Stored>();
        Assert.Equal(id, (await _events.ExpectMsgAsync<MessageStored>()).Id);
    }

    [Fact]
    public async Task A_failed_body_is_never_published()
    {
        CreateSink().Tell(Store(NewId(), FailingBody(new IOException("client went away"), Bytes("Subject: x\r\n\r\n"))), TestActor);

        await ExpectMsgAsync<SinkProtocol.TemporaryFailure>();
        await _events.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_store_that_outlived_its_deadline_is_never_published()
    {
        // The batch commits after the client had its 451: the file sink takes the message back, so a
        // reader must never have been told of it (RFC 5321 §4.2.5).
        using var release = new ManualResetEventSlim();
        var slow = DiskFlush.PerFile with
        {
            Data = (files, directory) =>
            {
                release.Wait(TimeSpan.FromSeconds(10));
                DiskFlush.PerFile.Data(files, directory);
            },
        };

        CreateSink(slow).Tell(Store(NewId(), Bytes("Subject: late\r\n\r\nbody\r\n")) with { Timeout = TimeSpan.FromMilliseconds(200) }, TestActor);
        await Task.Delay(500);
        release.Set();

        await ExpectMsgAsync<SinkProtocol.TemporaryFailure>(TimeSpan.FromSeconds(5));
        await _events.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
