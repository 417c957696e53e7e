using System.Diagnostics;
using System.Text;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Probes;

/// Sends one very large message and reports how much the server's RSS grew meanwhile.
/// A server that streams the body to its sink grows by a few buffers; one that holds the
/// message grows by its size. The body is produced chunk by chunk, so this process stays small too.
internal sealed class BigMessageProbe(LoopbackTarget target, long size, int pid, long maxIncreaseKb, TimeSpan timeout)
{
    private const int ChunkBytes = 64 * 1024;

    private long Chunks => (size + ChunkBytes - 1) / ChunkBytes;

    /// A complete message to send instead of the generated body (no line may start with '.': it is sent as is).
    public string? MessageFile { get; init; }

    public string MailFrom { get; init; } = MessageBodies.Sender;

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        long before = await ProcessMemory.SteadyResidentKbAsync(pid);
        bool peakWasReset = ProcessMemory.ResetPeak(pid);

        var clock = Stopwatch.StartNew();
        var sending = SendAsync(deadline.Token);
        long sampledPeak = await ProcessMemory.SamplePeakKbAsync(pid, sending);
        var (code, reply) = await sending;
        long peak = peakWasReset ? Math.Max(sampledPeak, ProcessMemory.PeakKb(pid)) : sampledPeak;
        long increase = peak - before;

        bool ok = code == 250 && increase <= maxIncreaseKb;
        output.WriteLine($"big: body_bytes={(MessageFile is null ? Chunks * ChunkBytes : new FileInfo(MessageFile).Length)} reply={code} seconds={clock.Elapsed.TotalSeconds:0.00} " +
                         $"rss_before_kb={before} rss_peak_kb={peak} rss_increase_kb={increase} limit_kb={maxIncreaseKb} " +
                         $"peak_source={(peakWasReset ? "VmHWM+samples" : "samples")} verdict={(ok ? "ok" : "FAILED")}");
        if (code != 250)
            output.WriteLine($"big: the server answered: {reply}");
        return ok ? 0 : 1;
    }

    private async Task<(int Code, string Reply)> SendAsync(CancellationToken cancellation)
    {
        var (socket, replies) = await SmtpHandshake.OpenAsync(target, cancellation);
        using (socket)
        {
            await socket.SendAllAsync(Encoding.ASCII.GetBytes($"MAIL FROM:<{MailFrom}>\r\n"), cancellation);
            await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
            await socket.SendAllAsync("RCPT TO:<big@localhost>\r\n"u8.ToArray(), cancellation);
            await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
            await socket.SendAllAsync("DATA\r\n"u8.ToArray(), cancellation);
            await SmtpHandshake.ExpectAsync(replies, 354, cancellation);

            if (MessageFile is not null)
                await SendFileAsync(socket, cancellation);
            else
                await SendGeneratedAsync(socket, cancellation);
            await socket.SendAllAsync(".\r\n"u8.ToArray(), cancellation);
            int code = await replies.ReadAsync(cancellation);
            return (code, replies.LastReplyText());
        }
    }

    private async Task SendGeneratedAsync(System.Net.Sockets.Socket socket, CancellationToken cancellation)
    {
        var chunk = new byte[ChunkBytes];
        MessageBodies.FillLines(chunk);
        await socket.SendAllAsync("Subject: big message probe\r\n\r\n"u8.ToArray(), cancellation);
        // Whole chunks only, so every line keeps its CRLF; the size rounds up to 64 KiB.
        for (long i = 0; i < Chunks; i++)
            await socket.SendAllAsync(chunk, cancellation);
    }

    /// The file in 64 KiB pieces: this process stays small however big it is.
    private async Task SendFileAsync(System.Net.Sockets.Socket socket, CancellationToken cancellation)
    {
        await using var file = File.OpenRead(MessageFile!);
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await file.ReadAsync(chunk, cancellation)) > 0)
        {
            if (chunk.AsSpan(0, read).IndexOf("\r\n."u8) >= 0)
                throw new InvalidDataException($"{MessageFile} has a line starting with '.': the probe does not dot-stuff");
            await socket.SendAllAsync(chunk.AsMemory(0, read), cancellation);
        }
    }
}
