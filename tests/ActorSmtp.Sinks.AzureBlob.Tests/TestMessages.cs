using System.Net;
using System.Text;
using System.Threading.Channels;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>Envelopes and bodies for the blob sink specs.</summary>
public static class TestMessages
{
    public static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.10"), 40123);
    public static readonly IPEndPoint Server = new(IPAddress.Parse("2001:db8::25"), 25);

    /// <summary>An id shaped like the server's: 26 characters of [0-9A-Z].</summary>
    public static string NewId() => Guid.NewGuid().ToString("N").ToUpperInvariant()[..26];

    /// <summary>A container name of its own for each test, so tests share one Azurite.</summary>
    public static string NewContainer() => "t" + Guid.NewGuid().ToString("N")[..20];

    public static SmtpEnvelope Envelope(string id, params string[] recipients) => new(
        id,
        new DateTimeOffset(2026, 11, 28, 17, 13, 17, 512, TimeSpan.Zero),
        "sender@example.com",
        recipients.Length > 0 ? recipients : ["rcpt@example.net"],
        Client,
        Server,
        "client.example.com");

    public static SinkProtocol.Store Store(string id, MessageBody body) => new(Envelope(id), SniffedHeaders.Empty, body);

    public static MessageBody Body(params byte[][] chunks) =>
        MessageBody.FromChunks(chunks.Select(chunk => (ReadOnlyMemory<byte>)chunk).ToArray());

    /// <summary>A body that arrives chunk by chunk through a channel, as the server streams a large DATA.</summary>
    public static MessageBody StreamedBody(IEnumerable<byte[]> chunks, Exception? failure = null)
    {
        var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(2);
        _ = Task.Run(async () =>
        {
            foreach (var chunk in chunks)
                await channel.Writer.WriteAsync(chunk);
            channel.Writer.TryComplete(failure);
        });
        return new MessageBody([], channel.Reader);
    }

    /// <summary>Delivers <paramref name="first"/>, then waits for <paramref name="release"/> before <paramref name="rest"/>.</summary>
    public static MessageBody GatedBody(byte[] first, Task release, byte[] rest)
    {
        var channel = Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        channel.Writer.TryWrite(first);
        _ = release.ContinueWith(_ =>
        {
            channel.Writer.TryWrite(rest);
            channel.Writer.TryComplete();
        }, TaskScheduler.Default);
        return new MessageBody([], channel.Reader);
    }

    /// <summary>Latin-1, so "\xFF" in a test string is the byte 0xFF.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary><paramref name="count"/> chunks of <paramref name="size"/> pseudo-random bytes.</summary>
    public static byte[][] RandomChunks(int count, int size) =>
        Enumerable.Range(0, count).Select(index =>
        {
            var chunk = new byte[size];
            new Random(index).NextBytes(chunk);
            return chunk;
        }).ToArray();
}
