using System.Net;
using System.Text.Json;
using Akka.Actor;
using ActorSmtp.Mailbox.Index;
using ActorSmtp.Sinks;

namespace ActorSmtp.Mailbox.Release;

/// <summary>
/// Relays a captured message to new recipients through the release sink (Mailpit's "release"): the stored bytes,
/// streamed from the .eml, with the original reverse path, as one SMTP transaction of the relay sink; its answer is
/// the outcome, recorded in <c>&lt;id&gt;.releases</c>.
/// </summary>
internal static class MessageRelease
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private static readonly IPEndPoint Local = new(IPAddress.Loopback, 0);
    private static long _releases;

    public static string RecordPath(string directory, string id) => Path.Combine(directory, id + ".releases");

    public static async Task<ReleaseRecord> RunAsync(string directory, string id, EnvelopeDocument original, IReadOnlyList<string> to,
        ReleaseTarget target, CancellationToken ct)
    {
        var sink = target.Sink() ?? throw new InvalidOperationException($"the release sink {target.Name} is not running");
        // Its own id: the relay answers by message id, and a release is a new transaction of the message.
        var envelope = new SmtpEnvelope($"{id}.r{Interlocked.Increment(ref _releases)}", DateTimeOffset.UtcNow, original.MailFrom, to,
            Local, Local, "mailbox.release", original.SmtpUtf8, original.EightBitMime);
        var (body, writer) = MessageBody.Streaming([]);
        var feeding = FeedAsync(StoredFiles.EmlPath(directory, id), writer, ct);
        var store = new SinkProtocol.Store(envelope, SniffedHeaders.Empty, body) { Timeout = target.Timeout };
        var result = await sink.Ask<SinkProtocol.Result>(store, target.Timeout + TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        await feeding.ConfigureAwait(false);
        var record = new ReleaseRecord(DateTimeOffset.UtcNow, to, target.Name, result is SinkProtocol.Stored, Describe(result));
        await AppendAsync(directory, id, record, ct).ConfigureAwait(false);
        return record;
    }

    /// <summary>The releases so far, oldest first; none when there were none.</summary>
    public static IReadOnlyList<ReleaseRecord> Read(string directory, string id)
    {
        var path = RecordPath(directory, id);
        if (!File.Exists(path))
            return [];
        return File.ReadLines(path).Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<ReleaseRecord>(line, Json)!).ToArray();
    }

    /// <summary>The .eml, 64 KiB at a time, into the body: the relay streams it on, so a big message is never held whole.</summary>
    private static async Task FeedAsync(string eml, System.Threading.Channels.ChannelWriter<ReadOnlyMemory<byte>> writer, CancellationToken ct)
    {
        try
        {
            await using var file = new FileStream(eml, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true);
            while (true)
            {
                var chunk = new byte[64 * 1024]; // a new one each time: the reader may still hold the last
                var read = await file.ReadAsync(chunk, ct).ConfigureAwait(false);
                if (read == 0)
                    break;
                await writer.WriteAsync(chunk.AsMemory(0, read), ct).ConfigureAwait(false);
            }
            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(new MessageBodyException(BodyFailureCause.ConnectionClosed, $"the stored message could not be read: {ex.Message}"));
        }
    }

    private static async Task AppendAsync(string directory, string id, ReleaseRecord record, CancellationToken ct) =>
        await File.AppendAllTextAsync(RecordPath(directory, id), JsonSerializer.Serialize(record, Json) + "\n", ct).ConfigureAwait(false);

    private static string Describe(SinkProtocol.Result result) => result switch
    {
        SinkProtocol.Stored stored => $"250 relayed to {stored.Location}",
        SinkProtocol.PermanentFailure p => $"{p.Code} {p.EnhancedCode} {p.Text}",
        SinkProtocol.TemporaryFailure t => $"{t.Code} {t.EnhancedCode} {t.ReplyText ?? "Try again later"}",
        _ => "451 4.3.0 Not relayed",
    };
}
