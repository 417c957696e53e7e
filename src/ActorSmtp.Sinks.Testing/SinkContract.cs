using System.Net;
using System.Text;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Testing;

/// <summary>
/// The sink contract as xunit facts: what every sink, built in or custom, must do with a
/// <see cref="SinkProtocol.Store"/>. Subclass it in your test project, say how to create your sink and how to
/// read back what it stored; every fact then runs against your sink.
/// </summary>
/// <remarks>
/// <para>
/// The rules: store exactly the bytes of the body (binary, dots, no CR LF added), whether they arrive at once
/// or streamed in many chunks; answer every Store exactly once, to its sender, with its MessageId; when the
/// body fails midway, store nothing and do not answer Stored, and when the client caused it
/// (<see cref="MessageBodyException.IsClientFault"/>) answer <see cref="SinkProtocol.Abandoned"/>; when
/// <see cref="SinkProtocol.Store.Timeout"/> passes after the body ended, answer a failure in time and store
/// nothing, not even later, but never time out while the body is still arriving; keep concurrent stores apart. Only
/// observable behaviour is tested: how the sink reads the body (<see cref="MessageBody.Source"/> or
/// <see cref="MessageBody.ReadAllAsync"/>) is its own choice.
/// </para>
/// <para>
/// A fact that does not apply to a sink (a sink that discards, one that refuses everything) skips itself
/// according to <see cref="StoresContent"/> and <see cref="AcceptsMessages"/>; it is reported as skipped.
/// xunit makes a new instance for every fact, so <see cref="CreateSink"/> and the read-back methods may
/// use per-instance state (a temporary folder, a container of their own).
/// </para>
/// </remarks>
public abstract partial class SinkContract : Akka.TestKit.Xunit2.TestKit
{
    private readonly CancellationTokenSource _feeding = new();
    private IActorRef? _sink;

    /// <param name="output">xunit's output, for the actor system's log.</param>
    /// <param name="akkaConfig">HOCON for the test actor system; default: warnings and errors logged.</param>
    protected SinkContract(ITestOutputHelper? output = null, string? akkaConfig = null)
        : base(akkaConfig ?? "akka.loglevel = WARNING", output)
    {
    }

    /// <summary>Props of the sink under test, configured as a user would configure it. Called once per fact.</summary>
    protected abstract Props CreateSink();

    /// <summary>
    /// The exact bytes stored for <paramref name="stored"/> (its Location, its MessageId), or null when
    /// nothing can be found for it.
    /// </summary>
    protected abstract Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored);

    /// <summary>
    /// Everything this instance's sink has left visible in its store (file names, blob names, received
    /// requests, ...), to check that a failed store left nothing. Empty for a sink that keeps nothing.
    /// </summary>
    protected abstract Task<IReadOnlyCollection<string>> ListStoredAsync();

    /// <summary>False for a sink that answers Stored but keeps nothing to read back (the null sink).</summary>
    protected virtual bool StoresContent => true;

    /// <summary>False for a sink that refuses every message (the reject sink): it must never answer Stored.</summary>
    protected virtual bool AcceptsMessages => true;

    /// <summary>
    /// False for a sink whose store is a delivery it cannot undo (a webhook POST whose response came too late):
    /// a store cancelled at its deadline may still have arrived. SMTP allows it — the client got 451 and retries,
    /// so the message may arrive twice, never zero times — but a sink that can take a late store back (the file
    /// sink, the blob sink) must: then the timeout fact also checks that nothing appears after its 451.
    /// </summary>
    protected virtual bool TakesBackLateStores => true;

    /// <summary>The <see cref="SinkProtocol.Store.Timeout"/> given in the slow-body fact (which waits three times as long).</summary>
    protected virtual TimeSpan StoreTimeout => TimeSpan.FromMilliseconds(300);

    /// <summary>How much later than <see cref="StoreTimeout"/> the failure answer may come.</summary>
    protected virtual TimeSpan TimeoutGrace => TimeSpan.FromSeconds(3);

    /// <summary>How long any other answer may take.</summary>
    protected virtual TimeSpan AnswerWithin => TimeSpan.FromSeconds(30);

    /// <summary>How long to watch for an answer that must not come (a second one, a late Stored).</summary>
    protected virtual TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(500);

    /// <summary>Size of the large streamed body.</summary>
    protected virtual int LargeBodySize => 5 * 1024 * 1024 + 12_345;

    /// <summary>How many stores run at once in the concurrency fact.</summary>
    protected virtual int ConcurrentStores => 20;

    /// <summary>A new message id, shaped like the server's (26 characters of [0-9A-Z]).</summary>
    protected virtual string NewMessageId() => Guid.NewGuid().ToString("N").ToUpperInvariant()[..26];

    /// <summary>The envelope of a test message.</summary>
    protected virtual SmtpEnvelope Envelope(string messageId) => new(
        messageId,
        DateTimeOffset.UtcNow,
        "sender@example.com",
        ["rcpt@example.net", "other@example.org"],
        new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40123),
        new IPEndPoint(IPAddress.Loopback, 25),
        "client.example.com",
        EightBitMime: true);

    /// <summary>The sink of the current fact, created on first use.</summary>
    protected IActorRef Sink => _sink ??= Sys.ActorOf(CreateSink(), "sink-under-test");

    /// <summary>Cancelled when the fact ends; feeds that a sink never drains stop then.</summary>
    protected CancellationToken FactEnded => _feeding.Token;

    /// <summary>Skips the running fact (reported as skipped) unless <paramref name="applies"/>.</summary>
    /// <exception cref="ContractSkipException">Always, when <paramref name="applies"/> is false.</exception>
    protected static void SkipUnless(bool applies, string reason)
    {
        if (!applies)
            throw new ContractSkipException(reason);
    }

    /// <summary>A Store as the server makes it: headers sniffed from the body's header block.</summary>
    protected SinkProtocol.Store NewStore(string messageId, byte[] message, MessageBody body) =>
        new(Envelope(messageId), SniffedHeaders.Parse(HeaderBlock(message)), body);

    /// <summary>A message: a header block naming <paramref name="messageId"/>, an empty line, then <paramref name="text"/>.</summary>
    protected static byte[] Message(string messageId, string subject, ReadOnlySpan<byte> text)
    {
        var head = Encoding.ASCII.GetBytes(
            $"From: sender@example.com\r\nTo: rcpt@example.net\r\nSubject: {subject}\r\n" +
            $"Message-ID: <{messageId}@contract.test>\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n\r\n");
        return [.. head, .. text];
    }

    /// <summary>
    /// <paramref name="size"/> bytes of CR LF-terminated lines of random bytes (every octet but CR and LF, NUL
    /// and 8-bit included): what an 8BITMIME body can hold once the server has checked its line ends.
    /// </summary>
    protected static byte[] RandomLines(int size, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[size];
        random.NextBytes(bytes);
        for (var end = random.Next(1, 999); end < size - 1; end += random.Next(2, 999))
        {
            bytes[end] = (byte)'\r';
            bytes[end + 1] = (byte)'\n';
        }
        for (var i = 0; i < size; i++)
            if (bytes[i] is (byte)'\r' or (byte)'\n' && !IsLineEnd(bytes, i))
                bytes[i] = (byte)'x';
        return bytes;
    }

    private static bool IsLineEnd(byte[] bytes, int i) =>
        (bytes[i] == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n') || (bytes[i] == '\n' && i > 0 && bytes[i - 1] == '\r');

    /// <summary>Writes <paramref name="content"/> into <paramref name="feed"/> in the background, then completes or fails it.</summary>
    protected void FeedInBackground(BodyFeed feed, byte[] content, IReadOnlyList<int> chunkSizes, Exception? failWith = null) =>
        _ = Task.Run(async () =>
        {
            await feed.WriteAsync(content, chunkSizes, FactEnded);
            if (failWith is null)
                feed.Complete();
            else
                feed.Fail(failWith);
        });

    /// <summary>Waits for the answer to <paramref name="messageId"/>; it must be the next message the sink sends.</summary>
    protected async Task<SinkProtocol.Result> ExpectAnswerAsync(string messageId, TimeSpan? within = null)
    {
        var answer = await ExpectMsgAsync<SinkProtocol.Result>(within ?? AnswerWithin);
        Assert.Equal(messageId, answer.MessageId);
        return answer;
    }

    /// <summary>
    /// An accepting sink answered Stored and (if it keeps content) stored exactly <paramref name="expected"/>;
    /// a refusing sink answered something else.
    /// </summary>
    protected async Task AssertStoredExactlyAsync(SinkProtocol.Result answer, byte[] expected)
    {
        if (!AcceptsMessages)
        {
            Assert.IsNotType<SinkProtocol.Stored>(answer);
            return;
        }
        var stored = Assert.IsType<SinkProtocol.Stored>(answer);
        Assert.False(string.IsNullOrEmpty(stored.Location), "Stored.Location must say where the message is");
        if (!StoresContent)
            return;
        var actual = await ReadStoredAsync(stored) ?? throw new Xunit.Sdk.XunitException($"nothing to read back for Stored {stored}");
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            var at = actual.AsSpan().CommonPrefixLength(expected);
            Assert.Fail($"stored {actual.Length} bytes, expected {expected.Length}; they differ from byte {at} on");
        }
    }

    /// <summary>The sink's store lists exactly what it listed <paramref name="before"/>.</summary>
    protected async Task AssertNothingStoredSinceAsync(IReadOnlyCollection<string> before)
    {
        var now = await ListStoredAsync();
        Assert.Equal(before.Order(StringComparer.Ordinal), now.Order(StringComparer.Ordinal));
    }

    protected override void AfterAll()
    {
        _feeding.Cancel();
        base.AfterAll();
        _feeding.Dispose();
    }

    // The bytes before the first empty line, as the server sniffs them.
    private static ReadOnlyMemory<byte> HeaderBlock(byte[] message)
    {
        var end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? ReadOnlyMemory<byte>.Empty : message.AsMemory(0, end + 2);
    }
}
