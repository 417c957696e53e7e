using System.Net;
using System.Text;

namespace ActorSmtp.Sinks.Testing;

/// <summary>
/// Envelopes, ids and bodies for a sink's own specs, beside the contract suite: bodies that are complete,
/// still arriving, held back until the test releases them, or failing the way a lost client fails them.
/// </summary>
public static class TestMessages
{
    public static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.10"), 40123);
    public static readonly IPEndPoint Server = new(IPAddress.Parse("2001:db8::25"), 25);

    /// <summary>Fixed, so that names and metadata a sink derives from it can be asserted.</summary>
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 28, 17, 13, 17, 512, TimeSpan.Zero);

    /// <summary>An id shaped like the server's: 26 characters of [0-9A-Z].</summary>
    public static string NewId() => Guid.NewGuid().ToString("N").ToUpperInvariant()[..26];

    public static SmtpEnvelope Envelope(string id, params string[] recipients) => new(
        id,
        ReceivedAt,
        "sender@example.com",
        recipients.Length > 0 ? recipients : ["rcpt@example.net"],
        Client,
        Server,
        "client.example.com");

    public static SinkProtocol.Store Store(string id, MessageBody body) => new(Envelope(id), SniffedHeaders.Empty, body);

    public static SinkProtocol.Store Store(string id, params byte[][] chunks) => Store(id, Body(chunks));

    /// <summary>A body that is all there before the sink reads it.</summary>
    public static MessageBody Body(params byte[][] chunks) =>
        MessageBody.FromChunks(chunks.Select(chunk => (ReadOnlyMemory<byte>)chunk).ToArray());

    /// <summary>A body that arrives chunk by chunk, as the server streams a large DATA; then ends or fails with <paramref name="failure"/>.</summary>
    public static MessageBody StreamedBody(IEnumerable<byte[]> chunks, Exception? failure = null)
    {
        var feed = new BodyFeed(capacity: 2);
        _ = Task.Run(async () =>
        {
            foreach (var chunk in chunks)
                await feed.WriteAsync(chunk, [chunk.Length]);
            End(feed, failure);
        });
        return feed.Body;
    }

    /// <summary>Delivers <paramref name="first"/>, then waits for <paramref name="release"/> before <paramref name="rest"/> and the end.</summary>
    public static MessageBody GatedBody(byte[] first, Task release, byte[] rest)
    {
        var feed = new BodyFeed(head: [first]);
        _ = release.ContinueWith(_ =>
        {
            feed.TryWrite(rest);
            feed.Complete();
        }, TaskScheduler.Default);
        return feed.Body;
    }

    /// <summary>Delivers <paramref name="chunks"/>, then fails the way a lost client or a size overrun fails a body.</summary>
    public static MessageBody FailingBody(Exception failure, params byte[][] chunks)
    {
        var feed = new BodyFeed(capacity: chunks.Length + 1);
        foreach (var chunk in chunks)
            feed.TryWrite(chunk);
        feed.Fail(failure);
        return feed.Body;
    }

    /// <summary>Latin-1, so "\xFF" in a test string is the byte 0xFF.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static SniffedHeaders Headers(string block) => SniffedHeaders.Parse(Encoding.UTF8.GetBytes(block));

    private static void End(BodyFeed feed, Exception? failure)
    {
        if (failure is null)
            feed.Complete();
        else
            feed.Fail(failure);
    }
}
