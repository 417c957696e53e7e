using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ActorSmtp.Mailbox.Live;

/// <summary>
/// The subscribers of <see cref="Mailbox.EventsAsync"/>, one bounded channel each. Publishing never waits: a
/// subscriber whose channel is full has fallen <see cref="Capacity"/> events behind and is dropped (its stream
/// ends; an SSE client reconnects and reloads), so no reader can slow the indexer down.
/// </summary>
internal sealed class EventHub
{
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<Channel<MailboxEvent>, bool> _subscribers = new();

    public int Count => _subscribers.Count;

    public void Publish(MailboxEvent @event)
    {
        foreach (var channel in _subscribers.Keys)
        {
            if (channel.Writer.TryWrite(@event))
                continue;
            channel.Writer.TryComplete();
            _subscribers.TryRemove(channel, out _);
        }
    }

    /// <summary>Events from the first <c>MoveNextAsync</c> on, until <paramref name="ct"/> is cancelled, the subscriber falls behind or the mailbox closes.</summary>
    public async IAsyncEnumerable<MailboxEvent> Subscribe([EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<MailboxEvent>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _subscribers[channel] = true;
        try
        {
            await foreach (var @event in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                yield return @event;
        }
        finally
        {
            _subscribers.TryRemove(channel, out _);
        }
    }

    /// <summary>Ends every subscriber's stream (the mailbox is closing).</summary>
    public void CompleteAll()
    {
        foreach (var channel in _subscribers.Keys)
            channel.Writer.TryComplete();
    }
}
