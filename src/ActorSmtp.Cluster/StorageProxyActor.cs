using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Sinks;
using ActorSmtp.Sinks;
using static ActorSmtp.Cluster.StorageProtocol;

namespace ActorSmtp.Cluster;

/// <summary>
/// The sink entry of a node that speaks SMTP but has no storage role: sends each
/// <see cref="SinkProtocol.Store"/> to a storage node, round-robin over the members with the storage role
/// that are up and reachable, with the body as a stream reference, and answers the connection with that
/// node's result. Exactly one answer per message, in time:
/// <list type="bullet">
/// <item>no storage node up and reachable → 451 at once;</item>
/// <item>the storage node becomes unreachable or leaves before it answered (it died mid-transfer) → 451;</item>
/// <item>no answer within the deadline → 451.</item>
/// </list>
/// A 451 is safe: the client retries, and a late store on the far side is the at-least-once case every
/// sink must tolerate (the id is the same).
/// </summary>
/// <remarks>
/// States: one. It follows membership through cluster events. Backpressure: the stream reference pulls from
/// the connection's body at the storage node's pace. Supervised by the user guardian.
/// </remarks>
internal sealed class StorageProxyActor : ReceiveActor, IWithTimers
{
    private readonly TimeSpan _deadline;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly List<Address> _storage = [];
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly IMaterializer _materializer = Context.Materializer();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _next;
    private long _stored;
    private long _failed;

    public StorageProxyActor(TimeSpan deadline)
    {
        _deadline = deadline;
        Receive<SinkProtocol.Store>(OnStore);
        Receive<Offer>(OnOffer);
        Receive<SinkProtocol.Result>(OnResult);
        Receive<ClusterEvent.MemberUp>(e => Add(e.Member));
        Receive<ClusterEvent.ReachableMember>(e => Add(e.Member));
        Receive<ClusterEvent.UnreachableMember>(e => Lost(e.Member.Address, "storage node unreachable"));
        Receive<ClusterEvent.MemberRemoved>(e => Lost(e.Member.Address, "storage node left the cluster"));
        Receive<ClusterEvent.MemberExited>(e => Lost(e.Member.Address, "storage node left the cluster"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<CheckDeadlines>(_ => Expire());
        Receive<GetStats>(_ => Sender.Tell(new Stats(_stored, _failed, _pending.Count)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ActorSmtpSettings settings) =>
        Akka.Actor.Props.Create(() => new StorageProxyActor(
            settings.SinkResponseDeadline - TimeSpan.FromMilliseconds(500))); // answer before the connection gives up

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer(nameof(CheckDeadlines), CheckDeadlines.Instance, TimeSpan.FromMilliseconds(250));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnStore(SinkProtocol.Store store)
    {
        if (_pending.ContainsKey(store.MessageId) || _storage.Count == 0)
        {
            _failed++;
            Sender.Tell(_storage.Count == 0
                ? Unreachable(store.MessageId, "no storage node is up and reachable")
                : new SinkProtocol.TemporaryFailure(store.MessageId, "message is being stored already"));
            return;
        }
        var node = _storage[_next++ % _storage.Count];
        var pending = new Pending(store, Sender, node);
        _pending[store.MessageId] = pending;
        var self = Self;
        store.Body.Source
            .SelectMany(Split)
            .RunWith(StreamRefs.SourceRef<byte[]>(), _materializer)
            .ContinueWith(t => self.Tell(new Offer(store.MessageId, t.IsCompletedSuccessfully ? t.Result : null)),
                TaskContinuationOptions.ExecuteSynchronously);
    }

    private void OnOffer(Offer offer)
    {
        if (!_pending.TryGetValue(offer.MessageId, out var pending))
            return;
        if (offer.Body is null)
        {
            Answer(pending, new SinkProtocol.TemporaryFailure(offer.MessageId, "could not stream the body"));
            return;
        }
        var store = pending.Store;
        Context.ActorSelection(new RootActorPath(pending.Node) / "user" / StorageNodeName).Tell(
            new RemoteStore(RemoteEnvelope.From(store.Envelope), HeaderBlock(store.Headers), offer.Body, store.Timeout), Self);
    }

    private void OnResult(SinkProtocol.Result result)
    {
        if (_pending.TryGetValue(result.MessageId, out var pending))
            Answer(pending, result);
    }

    private void Add(Member member)
    {
        if (member.HasRole(ClusterSettings.StorageRole) && member.Status == MemberStatus.Up && !_storage.Contains(member.Address))
            _storage.Add(member.Address);
    }

    private void Lost(Address node, string reason)
    {
        _storage.Remove(node);
        foreach (var pending in _pending.Values.Where(p => p.Node.Equals(node)).ToArray())
        {
            _log.Warning("Message {0}: {1} ({2}) before it answered", pending.Store.MessageId, reason, node);
            Answer(pending, Unreachable(pending.Store.MessageId, reason));
        }
    }

    private void Expire()
    {
        var now = DateTime.UtcNow;
        foreach (var pending in _pending.Values.Where(p => p.IsOverdue(now, _deadline)).ToArray())
            Answer(pending, Unreachable(pending.Store.MessageId, $"storage node {pending.Node} did not answer in time"));
    }

    /// <summary>
    /// The client's 451 says what failed (RFC 3463 4.4.1: no answer from host), not Postfix's "queue file write
    /// error", which would send an operator looking at a disk.
    /// </summary>
    private static SinkProtocol.TemporaryFailure Unreachable(string messageId, string reason) =>
        new(messageId, reason, 451, "4.4.1", "storage node unreachable, try again later");

    private void Answer(Pending pending, SinkProtocol.Result result)
    {
        _pending.Remove(pending.Store.MessageId);
        if (result is SinkProtocol.Stored)
            _stored++;
        else
            _failed++;
        pending.ReplyTo.Tell(result, ActorRefs.NoSender);
    }

    // Each chunk is one remote message: keep it well under remoting's frame size.
    private static IEnumerable<byte[]> Split(ReadOnlyMemory<byte> chunk)
    {
        for (var offset = 0; offset < chunk.Length; offset += MaxChunk)
            yield return chunk.Slice(offset, Math.Min(MaxChunk, chunk.Length - offset)).ToArray();
    }

    private sealed record Offer(string MessageId, ISourceRef<byte[]>? Body);

    private sealed record CheckDeadlines
    {
        public static readonly CheckDeadlines Instance = new();
    }

    /// <summary>A message on its way; its deadline runs from the end of its body, as the sinks' own do.</summary>
    private sealed class Pending(SinkProtocol.Store store, IActorRef replyTo, Address node)
    {
        private BodyDeadline _deadline = new(store.Body);

        public SinkProtocol.Store Store { get; } = store;
        public IActorRef ReplyTo { get; } = replyTo;
        public Address Node { get; } = node;

        public bool IsOverdue(DateTime now, TimeSpan deadline) => _deadline.IsOverdue(now, deadline);
    }
}
