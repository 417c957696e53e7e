using Akka.Actor;
using Akka.Streams;

namespace ActorSmtp.Sinks;

/// <summary>
/// Base class for sink actors: implement <see cref="StoreAsync"/> and return the outcome.
/// </summary>
/// <remarks>
/// The base runs every <see cref="SinkProtocol.Store"/> concurrently, never blocking the mailbox, and
/// replies to the sender with the returned <see cref="SinkProtocol.Result"/>. An exception from
/// <see cref="StoreAsync"/> becomes a <see cref="SinkProtocol.TemporaryFailure"/> (451): a failed store
/// must never look like a stored one. In-flight stores are cancelled when the actor stops or restarts.
/// A sink that throws from its own receive crashes and is restarted with backoff by its supervisor;
/// the request that crashed it still gets a temporary failure. When the request carries a
/// <see cref="SinkProtocol.Store.Timeout"/>, the token is cancelled that long after the body has
/// <see cref="MessageBody.Ended">ended</see> (never while the client is still sending it): stop, discard,
/// store nothing. When the body failed because of the client (<see cref="MessageBodyException.IsClientFault"/>),
/// any answer but <see cref="SinkProtocol.Stored"/>, and any exception, is sent as <see cref="SinkProtocol.Abandoned"/>:
/// the transaction failed, not the sink.
/// Subclasses need a public constructor taking their HOCON block (<c>Akka.Configuration.Config</c>)
/// to be configurable by <c>type = "Namespace.Class, Assembly"</c>.
/// </remarks>
public abstract class MessageSinkActor : UntypedActor
{
    private readonly CancellationTokenSource _stopping = new();
    private IMaterializer? _materializer;

    /// <summary>The materializer to run message bodies with; it lives as long as this actor.</summary>
    protected IMaterializer Materializer => _materializer ??= Context.Materializer();

    /// <summary>Stores one message. Consume or cancel <see cref="SinkProtocol.Store.Body"/> before the task completes.</summary>
    /// <remarks>
    /// Runs concurrently with other stores. After its first <c>await</c> it is no longer inside the
    /// actor: read <c>Self</c>, <c>Context</c> and actor state before awaiting, or send yourself a message.
    /// </remarks>
    protected abstract Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken);

    /// <summary>Messages other than <see cref="SinkProtocol.Store"/>; unhandled by default.</summary>
    protected virtual void OnOther(object message) => Unhandled(message);

    /// <summary>
    /// Called once the final <paramref name="result"/> of <paramref name="store"/> was told to the connection (a
    /// late store is a failure by then, whatever the sink returned). Connections run on the calling thread, so the
    /// client's reply is usually written by the time this runs: the place to tell others about a stored message,
    /// who must not learn of it before its sender does. Runs where the store finished, off the actor's context
    /// (the actor's state is not safe here); the default does nothing.
    /// </summary>
    protected virtual void OnAnswered(SinkProtocol.Store store, SinkProtocol.Result result)
    {
    }

    protected sealed override void OnReceive(object message)
    {
        if (message is not SinkProtocol.Store store)
        {
            OnOther(message);
            return;
        }
        var replyTo = Sender;
        var deadline = store.Timeout is { } timeout ? Deadline(timeout, store.Body) : null;
        try
        {
            var storing = StoreAsync(store, deadline?.Token ?? _stopping.Token);
            if (storing.IsCompletedSuccessfully)
            {
                deadline?.Dispose();
                var result = Settle(store, storing.Result);
                replyTo.Tell(result, Self); // small bodies often finish at once: skip the continuation
                OnAnswered(store, result);
            }
            else
                ReplyWhenDone(storing, store, replyTo, deadline);
        }
        catch (Exception ex)
        {
            deadline?.Dispose();
            replyTo.Tell(Settle(store, new SinkProtocol.TemporaryFailure(store.MessageId, Describe(ex))), Self);
            throw;
        }
    }

    /// <summary>The store's token: cancelled when the actor stops, and <paramref name="timeout"/> after the body ended.</summary>
    private CancellationTokenSource Deadline(TimeSpan timeout, MessageBody body)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var ended = body.Ended;
        if (ended.IsCompleted)
            deadline.CancelAfter(timeout);
        else // one continuation per streamed message, none per chunk
            ended.ContinueWith(static (_, state) => StartClock(((CancellationTokenSource, TimeSpan))state!), (deadline, timeout),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return deadline;
    }

    private static void StartClock((CancellationTokenSource Deadline, TimeSpan Timeout) clock)
    {
        try
        {
            clock.Deadline.CancelAfter(clock.Timeout);
        }
        catch (ObjectDisposedException)
        {
            // The store finished before its body ended (it answered early): there is nothing left to time.
        }
    }

    private void ReplyWhenDone(Task<SinkProtocol.Result> storing, SinkProtocol.Store store, IActorRef replyTo, CancellationTokenSource? deadline)
    {
        var self = Self;
        storing.ContinueWith(done =>
        {
            // A store that outlived its deadline is a failure even if it claims success: the client has had its 451.
            // It is the sink's own failure even when the client had broken the body off: its work took too long.
            var result = deadline?.IsCancellationRequested == true ? new SinkProtocol.TemporaryFailure(store.MessageId, "timed out")
                : done.IsCompletedSuccessfully ? Settle(store, done.Result)
                : Settle(store, new SinkProtocol.TemporaryFailure(store.MessageId, Describe(done.Exception!)));
            deadline?.Dispose();
            replyTo.Tell(result, self);
            OnAnswered(store, result);
        }, TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>A failed store whose body the client broke off is the transaction's failure, not the sink's.</summary>
    private static SinkProtocol.Result Settle(SinkProtocol.Store store, SinkProtocol.Result result) =>
        result is not (SinkProtocol.Stored or SinkProtocol.Abandoned) && MessageBodyException.ClientFaultIn(store.Body.Failure) is { } fault
            ? new SinkProtocol.Abandoned(store.MessageId, fault.Cause)
            : result;

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        base.PostStop();
    }

    private static string Describe(Exception ex) => (ex as AggregateException)?.InnerException?.Message ?? ex.Message;
}
