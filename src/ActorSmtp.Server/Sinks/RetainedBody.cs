using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// A whole copy of a message body, kept in memory while the primary sink stores it, for its fallback.
/// It reads as fast as the body arrives (it never slows the client); the memory is bounded by
/// <c>limits.max-message-size</c>, and chunks are shared with the primary's copy, not duplicated.
/// </summary>
internal sealed class RetainedBody
{
    private readonly Task<MessageBody> _complete;

    public RetainedBody(MessageBody body) => _complete = CollectAsync(body);

    /// <summary>The body once it has fully arrived; faults when the transaction failed.</summary>
    public Task<MessageBody> Complete => _complete;

    private static async Task<MessageBody> CollectAsync(MessageBody body)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        await foreach (var chunk in body.ReadAllAsync().ConfigureAwait(false))
            chunks.Add(chunk);
        return new MessageBody(chunks);
    }
}
