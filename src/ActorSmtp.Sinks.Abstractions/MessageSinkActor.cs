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
/// <see cref="SinkProtocol.Store.Timeout"/>, the token is cancelled at that deadline: stop, discard, store nothing.
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

    protected sealed override void OnReceive(object message)
    {
        if (message is not SinkProtocol.Store store)
        {
            OnOther(message);
            return;
        }
        var replyTo = Sender;
        var deadline = store.Timeout is { } timeout ? Deadline(timeout) : null;
        try
        {
            var storing = StoreAsync(store, deadline?.Token ?? _stopping.Token);
            if (storing.IsCompletedSuccessfully)
            {
                deadline?.Dispose();
                replyTo.Tell(storing.Result, Self); // small bodies often finish at once: skip the continuation
            }
            else
                ReplyWhenDone(storing, store.MessageId, replyTo, deadline);
        }
        catch (Exception ex)
        {
            deadline?.Dispose();
            replyTo.Tell(new SinkProtocol.TemporaryFailure(store.MessageId, Describe(ex)), Self);
            throw;
        }
    }

    private CancellationTokenSource Deadline(TimeSpan timeout)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private void ReplyWhenDone(Task<SinkProtocol.Result> storing, string messageId, IActorRef replyTo, CancellationTokenSource? deadline)
    {
        var self = Self;
        storing.ContinueWith(done =>
        {
            // A store that outlived its deadline is a failure even if it claims success: the client has had its 451.
            var result = done.IsCompletedSuccessfully && deadline?.IsCancellationRequested != true
                ? done.Result
                : new SinkProtocol.TemporaryFailure(messageId, done.Exception is { } ex ? Describe(ex) : "timed out");
            deadline?.Dispose();
            replyTo.Tell(result, self);
        }, TaskContinuationOptions.ExecuteSynchronously);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        base.PostStop();
    }

    private static string Describe(Exception ex) => (ex as AggregateException)?.InnerException?.Message ?? ex.Message;
}
