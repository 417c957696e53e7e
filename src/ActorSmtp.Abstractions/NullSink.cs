using Akka.Configuration;

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
        await foreach (var _ in store.Body.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // Reading is the point: the client is held to the pace of a real sink's reads.
        }
        return new SinkProtocol.Stored(store.MessageId, "null");
    }
}
