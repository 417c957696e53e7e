using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorSmtp.Sinks;
using static ActorSmtp.Cluster.StorageProtocol;

namespace ActorSmtp.Cluster;

/// <summary>
/// The storage side of the storage role: takes <see cref="RemoteStore"/> from front nodes, pulls the body
/// through its stream reference into a local <see cref="MessageBody"/>, hands the message to this node's
/// sinks (their entry: router or default supervisor) and sends their one result back to the front node.
/// </summary>
/// <remarks>
/// Backpressure: the body is pulled one chunk at a time into a small buffer the sink reads, so a slow sink
/// slows the stream reference, which slows the front node's connection, which slows its client. When the
/// front node dies mid-transfer the stream fails, the body fails, and the sink discards what it wrote.
/// When the sink answers before reading the whole body, the rest of the stream is cancelled.
/// Supervised by the user guardian; holds no state worth keeping across a restart.
/// </remarks>
internal sealed class StorageNodeActor : ReceiveActor
{
    private const int ChunksInFlight = 8;

    private readonly IActorRef _sinks;
    private readonly Dictionary<string, Transfer> _transfers = new(StringComparer.Ordinal);
    private readonly IMaterializer _materializer = Context.Materializer();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _stored;
    private long _failed;

    public StorageNodeActor(IActorRef sinks)
    {
        _sinks = sinks;
        Receive<RemoteStore>(OnRemoteStore);
        Receive<SinkProtocol.Result>(OnResult);
        Receive<GetStats>(_ => Sender.Tell(new Stats(_stored, _failed, _transfers.Count)));
    }

    private void OnRemoteStore(RemoteStore remote)
    {
        var id = remote.Envelope.MessageId;
        if (_transfers.ContainsKey(id))
        {
            Sender.Tell(new SinkProtocol.TemporaryFailure(id, "message is being stored already"));
            return;
        }
        var (body, writer) = MessageBody.Streaming([], ChunksInFlight);
        var (kill, done) = remote.Body.Source
            .ViaMaterialized(KillSwitches.Single<byte[]>(), Keep.Right)
            .ToMaterialized(Sink.ForEachAsync<byte[]>(1, chunk => writer.WriteAsync(chunk).AsTask()), Keep.Both)
            .Run(_materializer);
        // A stream that fails was broken off by the front node (its client hung up, overran a limit, or the node or
        // the network failed): never this node's sinks' fault, so it must not count toward their circuit breakers.
        done.ContinueWith(t => writer.TryComplete(t.IsFaulted
                ? new MessageBodyException(BodyFailureCause.SenderFailed, $"The front node stopped sending the message: {t.Exception!.GetBaseException().Message}")
                : null),
            TaskContinuationOptions.ExecuteSynchronously);
        _transfers[id] = new Transfer(Sender, kill, writer);
        var store = new SinkProtocol.Store(remote.Envelope.ToEnvelope(), SniffedHeaders.Parse(remote.HeaderBlock), body)
            { Timeout = remote.Timeout };
        _sinks.Tell(store, Self);
    }

    private void OnResult(SinkProtocol.Result result)
    {
        if (!_transfers.Remove(result.MessageId, out var transfer))
            return;
        // The sink has answered: whatever of the body it did not read is not wanted any more.
        transfer.Kill.Shutdown();
        transfer.Writer.TryComplete();
        if (result is SinkProtocol.Stored)
            _stored++;
        else
            _failed++;
        if (result is SinkProtocol.TemporaryFailure failure)
            _log.Warning("Message {0} from {1} not stored: {2}", result.MessageId, transfer.ReplyTo.Path.Address, failure.Reason);
        transfer.ReplyTo.Tell(result);
    }

    private sealed record Transfer(IActorRef ReplyTo, IKillSwitch Kill, ChannelWriter<ReadOnlyMemory<byte>> Writer);
}
