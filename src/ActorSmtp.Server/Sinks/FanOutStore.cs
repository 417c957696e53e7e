using Akka.Actor;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// Stores one message in several sinks and gives the connection one answer: stored when every sink stored
/// its copy, else the first failure. Lives for one message.
/// </summary>
/// <remarks>
/// Each copy gets its own id (<c>ID.1</c>, <c>ID.2</c>, …) so two copies can never collide in one sink (a
/// route's sink that is also another's fallback); the connection's reply names the original id. A failure
/// that comes before the end of data makes the connection fail the body, so the other sinks discard theirs.
/// </remarks>
internal sealed class FanOutStore : UntypedActor
{
    private readonly SinkProtocol.Store _store;
    private readonly Destination[] _destinations;
    private readonly IActorRef _replyTo;
    private readonly string?[] _locations;
    private readonly TimeSpan _deadline;

    public FanOutStore(SinkProtocol.Store store, Destination[] destinations, IActorRef replyTo, TimeSpan deadline)
    {
        _store = store;
        _destinations = destinations;
        _replyTo = replyTo;
        _locations = new string?[destinations.Length];
        _deadline = deadline;
    }

    /// <summary>A sink and the recipients whose copy it stores.</summary>
    public sealed record Destination(IActorRef Sink, IReadOnlyList<string> Recipients);

    protected override void PreStart()
    {
        var copies = _store.Body.Fork(_destinations.Length).Branches;
        for (var i = 0; i < _destinations.Length; i++)
        {
            var envelope = _store.Envelope with { MessageId = CopyId(i), RcptTo = _destinations[i].Recipients };
            _destinations[i].Sink.Tell(new SinkProtocol.Store(envelope, _store.Headers, copies[i]), Self);
        }
        // The sinks' supervisors answer in time; this only guards against a lost answer. Like theirs, its clock
        // starts when the body has ended: a slow client is not a lost answer.
        var self = Self;
        _store.Body.Ended.ContinueWith(_ => self.Tell(BodyEnded.Instance), TaskContinuationOptions.ExecuteSynchronously);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SinkProtocol.Stored stored when IndexOf(stored.MessageId) is var i and >= 0:
                _locations[i] = stored.Location;
                if (_locations.All(l => l is not null))
                    Answer(new SinkProtocol.Stored(_store.MessageId, string.Join(" ", _locations)));
                break;
            case SinkProtocol.Result failure when IndexOf(failure.MessageId) >= 0:
                Answer(failure with { MessageId = _store.MessageId });
                break;
            case BodyEnded:
                Context.SetReceiveTimeout(_deadline);
                break;
            case ReceiveTimeout:
                Answer(new SinkProtocol.TemporaryFailure(_store.MessageId, "no answer from every sink of a fan-out"));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private sealed record BodyEnded
    {
        public static readonly BodyEnded Instance = new();
    }

    private string CopyId(int index) => $"{_store.MessageId}.{index + 1}";

    private int IndexOf(string copyId)
    {
        for (var i = 0; i < _destinations.Length; i++)
            if (copyId == CopyId(i))
                return i;
        return -1;
    }

    private void Answer(SinkProtocol.Result result)
    {
        _replyTo.Tell(result, ActorRefs.NoSender);
        Context.Stop(Self);
    }
}
