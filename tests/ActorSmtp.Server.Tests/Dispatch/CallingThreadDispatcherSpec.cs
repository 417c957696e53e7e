using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorSmtp.Server.Dispatch;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Server.Tests.Dispatch;

public sealed class CallingThreadDispatcherSpec() : TestKit(ActorSmtpConfig.Reference)
{
    /// <summary>Counts what it receives and reports the thread it ran on.</summary>
    private sealed class Counter : ReceiveActor
    {
        public Counter()
        {
            var count = 0;
            Receive<int>(n =>
            {
                if (n == -1)
                    Sender.Tell((count, Environment.CurrentManagedThreadId)); // a query, not counted
                else
                    count++;
            });
        }
    }

    /// <summary>Forwards each number to the target, then reports when asked.</summary>
    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef target) => Receive<int>(n => target.Forward(n));
    }

    [Fact]
    public async Task Runs_the_actor_on_the_sending_thread()
    {
        var counter = Sys.ActorOf(Props.Create(() => new Counter()).WithDispatcher(CallingThreadDispatcher.ConfigPath));
        await counter.Ask<(int, int)>(-1, TimeSpan.FromSeconds(5)); // started: no creation still running on another thread
        var reply = await Task.Run(() =>
        {
            var sender = Environment.CurrentManagedThreadId;
            var asked = counter.Ask<(int Count, int Thread)>(-1, TimeSpan.FromSeconds(5));
            return (sender, asked);
        });
        var (count, thread) = await reply.asked;
        Assert.Equal(0, count);
        Assert.Equal(reply.sender, thread);
    }

    [Fact]
    public async Task A_burst_from_many_threads_is_processed_completely_without_deep_recursion()
    {
        var counter = Sys.ActorOf(Props.Create(() => new Counter()).WithDispatcher(CallingThreadDispatcher.ConfigPath));
        var relay = Sys.ActorOf(Props.Create(() => new Relay(counter)).WithDispatcher(CallingThreadDispatcher.ConfigPath));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
                relay.Tell(i);
        })));
        // Work that arrives while a thread is already running a mailbox waits for that run to end (the
        // trampoline), possibly on another sender's thread: completion is eventual, not at the last Tell.
        await AwaitAssertAsync(async () =>
        {
            var (count, _) = await counter.Ask<(int, int)>(-1, TimeSpan.FromSeconds(5));
            Assert.Equal(400_000, count);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));
    }
}
