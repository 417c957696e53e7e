using System.Threading.Channels;

namespace ActorSmtp.Sinks;

/// <summary>
/// One message body offered to several readers at once (fan-out, routes, a fallback's copy): every
/// branch yields the same chunks in the same order, and fails when the original fails.
/// </summary>
/// <remarks>
/// Chunks are shared, not copied. A body that is still arriving is pumped into one small bounded buffer
/// per branch, so the slowest reader paces the client; a reader that gives up early (a sink that answered
/// before reading everything) must be <see cref="Release">released</see>, or it would stall the others.
/// </remarks>
internal sealed class ForkedBody
{
    private const int ChunksInFlight = 8;

    private readonly ChannelWriter<ReadOnlyMemory<byte>>[] _writers = [];
    private readonly CancellationTokenSource[] _releases = []; // timer-less: nothing to dispose

    internal ForkedBody(IReadOnlyList<ReadOnlyMemory<byte>> head, ChannelReader<ReadOnlyMemory<byte>>? rest, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (rest is null)
        {
            Branches = Enumerable.Range(0, count).Select(_ => new MessageBody(head)).ToArray();
            return;
        }
        var branches = Enumerable.Range(0, count).Select(_ => MessageBody.Streaming(head, ChunksInFlight)).ToArray();
        _writers = branches.Select(b => b.Writer).ToArray();
        _releases = Enumerable.Range(0, count).Select(_ => new CancellationTokenSource()).ToArray();
        Branches = branches.Select(b => b.Body).ToArray();
        _ = PumpAsync(rest);
    }

    /// <summary>The copies, each to be read once like any <see cref="MessageBody"/>.</summary>
    public IReadOnlyList<MessageBody> Branches { get; }

    /// <summary>Stops feeding branch <paramref name="index"/>: its reader will not read any further.</summary>
    public void Release(int index)
    {
        if (_releases.Length == 0)
            return;
        _releases[index].Cancel();
        _writers[index].TryComplete(new OperationCanceledException("This copy of the body was released."));
    }

    private async Task PumpAsync(ChannelReader<ReadOnlyMemory<byte>> source)
    {
        try
        {
            while (await source.WaitToReadAsync().ConfigureAwait(false))
                while (source.TryRead(out var chunk))
                    for (var i = 0; i < _writers.Length; i++)
                        await WriteAsync(i, chunk).ConfigureAwait(false);
            foreach (var writer in _writers)
                writer.TryComplete();
        }
        catch (Exception ex)
        {
            foreach (var writer in _writers)
                writer.TryComplete(ex); // the same failure, cause and all, in every branch
        }
    }

    private async ValueTask WriteAsync(int index, ReadOnlyMemory<byte> chunk)
    {
        var release = _releases[index];
        if (release.IsCancellationRequested)
            return;
        try
        {
            await _writers[index].WriteAsync(chunk, release.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Released while waiting for room: that reader is gone, the others go on.
        }
    }
}
