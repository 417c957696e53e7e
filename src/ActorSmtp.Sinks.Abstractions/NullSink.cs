using Akka.Configuration;
using Akka.Streams.Dsl;

namespace ActorSmtp.Sinks;

/// <summary>Reads and discards every message, then reports it stored. For benchmarks and capture tests.</summary>
public sealed class NullSink(Config config) : MessageSinkActor
{
    public NullSink() : this(Config.Empty)
    {
    }

    public Config Config { get; } = config;

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        await store.Body.RunWith(Sink.Ignore<ReadOnlyMemory<byte>>(), Materializer).WaitAsync(cancellationToken);
        return new SinkProtocol.Stored(store.MessageId, "null");
    }
}
