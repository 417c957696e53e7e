using System.Collections.Concurrent;
using Akka.Configuration;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>
/// A test sink that keeps what it stores in memory, under its <c>name</c> setting. <c>behaviour</c>:
/// store (default), fail (a temporary failure after reading the body), silent (never answers; records
/// when its deadline token fires), hang (reads the whole body, then never answers; records its token too).
/// </summary>
public sealed class MemorySink(Config config) : MessageSinkActor
{
    private static readonly ConcurrentDictionary<string, Shelf> Shelves = new();

    private readonly Shelf _shelf = ShelfOf(config.GetString("name"));
    private readonly string _behaviour = config.GetString("behaviour", "store");

    public static string TypeName => typeof(MemorySink).AssemblyQualifiedName!;

    public static Shelf ShelfOf(string name) => Shelves.GetOrAdd(name, _ => new Shelf());

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _shelf.Calls);
        if (_behaviour == "silent")
            await WaitForCancellationAsync(cancellationToken);
        using var bytes = new MemoryStream();
        await foreach (var chunk in store.Body.ReadAllAsync(cancellationToken))
            bytes.Write(chunk.Span);
        if (_behaviour == "hang")
            await WaitForCancellationAsync(cancellationToken);
        if (_behaviour == "fail")
            return new SinkProtocol.TemporaryFailure(store.MessageId, "told to fail");
        _shelf.Messages.Enqueue(new StoredMessage(store.Envelope, bytes.ToArray()));
        return new SinkProtocol.Stored(store.MessageId, $"memory:{store.MessageId}");
    }

    private async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _shelf.Cancelled);
            throw;
        }
    }

    public sealed record StoredMessage(SmtpEnvelope Envelope, byte[] Bytes);

    public sealed class Shelf
    {
        public int Calls;
        public int Cancelled;
        public ConcurrentQueue<StoredMessage> Messages { get; } = new();
    }
}
