using System.Net;
using System.Text;
using System.Threading.Channels;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>Envelopes, headers and bodies for the file sink specs.</summary>
public static class TestMessages
{
    public static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.10"), 40123);
    public static readonly IPEndPoint Server = new(IPAddress.Parse("2001:db8::25"), 25);

    /// <summary>An id shaped like the server's: 26 characters of [0-9A-Z].</summary>
    public static string NewId() => Guid.NewGuid().ToString("N").ToUpperInvariant()[..26];

    public static SmtpEnvelope Envelope(string id, params string[] recipients) => new(
        id,
        DateTimeOffset.UtcNow,
        "sender@example.com",
        recipients.Length > 0 ? recipients : ["rcpt@example.net"],
        Client,
        Server,
        "client.example.com");

    public static SinkProtocol.Store Store(string id, MessageBody body) =>
        new(Envelope(id), SniffedHeaders.Empty, body);

    public static SinkProtocol.Store Store(string id, params byte[][] chunks) => Store(id, Body(chunks));

    public static MessageBody Body(params byte[][] chunks) =>
        MessageBody.FromChunks(chunks.Select(chunk => (ReadOnlyMemory<byte>)chunk).ToArray());

    /// <summary>Delivers <paramref name="first"/>, then waits for <paramref name="release"/> before <paramref name="rest"/>.</summary>
    public static MessageBody GatedBody(byte[] first, Task<bool> release, byte[] rest)
    {
        var channel = Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        _ = release.ContinueWith(_ =>
        {
            channel.Writer.TryWrite(rest);
            channel.Writer.TryComplete();
        }, TaskScheduler.Default);
        return new MessageBody([first], channel.Reader);
    }

    /// <summary>Delivers <paramref name="chunks"/>, then fails the way a lost client or a size overrun fails a body.</summary>
    public static MessageBody FailingBody(Exception failure, params byte[][] chunks)
    {
        var channel = Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        foreach (var chunk in chunks)
            channel.Writer.TryWrite(chunk);
        channel.Writer.TryComplete(failure);
        return new MessageBody([], channel.Reader);
    }

    /// <summary>Latin-1, so "\xFF" in a test string is the byte 0xFF.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static SniffedHeaders Headers(string block) => SniffedHeaders.Parse(Encoding.UTF8.GetBytes(block));
}
