using System.Diagnostics;
using System.Net.Sockets;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Probes;

/// Slowloris against the per-command deadline: one normal client sends messages back to back, first
/// alone (the baseline), then while N connections trickle a command line one byte per interval (or,
/// with inData, a message body after a normal EHLO/MAIL/RCPT/DATA: the minimum data rate). Passes
/// when the normal client's median latency stays within the allowed factor of the baseline and every
/// trickler is cut off by the server (421 or close) before the probe ends.
internal sealed class SlowlorisProbe(
    LoopbackTarget target, int tricklers, TimeSpan interval, TimeSpan measure, double maxRatio, TimeSpan cutWithin, bool inData = false)
{
    // Long enough that it never completes within any sane deadline: 60 bytes at one per interval.
    private static readonly byte[] TrickledLine = "EHLO slowloris.invalid.example.this-line-never-ends-in-time\r\n"u8.ToArray();
    private static readonly byte[] Envelope = "MAIL FROM:<load@localhost>\r\nRCPT TO:<sink@localhost>\r\nDATA\r\n"u8.ToArray();
    private static readonly byte[] Message = BuildMessage();

    private int _timeoutReplies; // cuts announced with 421 (the rest were closed without a word)

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellation)
    {
        var baseline = await MeasureAsync(cancellation);
        output.WriteLine($"slowloris: baseline {Describe(baseline)}");

        var trickling = new Task<TimeSpan?>[tricklers];
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            var started = Stopwatch.StartNew();
            for (var i = 0; i < tricklers; i++)
                trickling[i] = TrickleAsync(stop.Token);
            await Task.Delay(interval * 2, cancellation); // every trickler connected and under way
            var loaded = await MeasureAsync(cancellation);
            output.WriteLine($"slowloris: with {tricklers} tricklers {Describe(loaded)}");

            var remaining = cutWithin - started.Elapsed;
            stop.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            var cuts = await Task.WhenAll(trickling);
            var cut = cuts.Where(c => c is not null).Select(c => c!.Value.TotalSeconds).Order().ToArray();
            var ratio = Median(loaded) / Median(baseline);
            output.WriteLine($"slowloris: tricklers={tricklers} cut={cut.Length} with_421={_timeoutReplies} " +
                             (cut.Length > 0 ? $"cut_after_s min={cut[0]:0.0} median={cut[cut.Length / 2]:0.0} max={cut[^1]:0.0} " : "") +
                             $"p50_ratio={ratio:0.00} (max {maxRatio}) p99_ratio={Percentile(loaded, 0.99) / Percentile(baseline, 0.99):0.00}");
            return cut.Length == tricklers && ratio <= maxRatio ? 0 : 1;
        }
    }

    /// Messages back to back on one connection for <c>measure</c>; latency from MAIL to the final 250, in ms.
    private async Task<List<double>> MeasureAsync(CancellationToken cancellation)
    {
        var (socket, replies) = await SmtpHandshake.OpenAsync(target, cancellation);
        using var _ = socket;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < measure)
        {
            var started = Stopwatch.GetTimestamp();
            await socket.SendAllAsync(Envelope, cancellation);
            await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
            await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
            await SmtpHandshake.ExpectAsync(replies, 354, cancellation);
            await socket.SendAllAsync(Message, cancellation);
            await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return latencies;
    }

    /// Greeting, then the line one byte per interval; returns how long after its first byte the server cut it, or null.
    private async Task<TimeSpan?> TrickleAsync(CancellationToken stop)
    {
        using var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.EndPoint, stop);
            var replies = new SmtpReplyReader(socket);
            await SmtpHandshake.ExpectAsync(replies, 220, stop);
            if (inData)
            {
                await socket.SendAllAsync("EHLO slowloris.invalid\r\n"u8.ToArray(), stop);
                await SmtpHandshake.ExpectAsync(replies, 250, stop);
                await socket.SendAllAsync(Envelope, stop);
                await SmtpHandshake.ExpectAsync(replies, 250, stop);
                await SmtpHandshake.ExpectAsync(replies, 250, stop);
                await SmtpHandshake.ExpectAsync(replies, 354, stop);
            }
            var firstByte = Stopwatch.StartNew();
            var cut = replies.ReadAsync(stop).AsTask(); // a 421 or the close is the cut
            foreach (var b in inData ? Message : TrickledLine)
            {
                await socket.SendAllAsync(new[] { b }, stop);
                if (await Task.WhenAny(cut, Task.Delay(interval, stop)) == cut)
                    break;
            }
            try
            {
                if (await cut == 421)
                    Interlocked.Increment(ref _timeoutReplies);
            }
            catch (IOException)
            {
                // Closed without a reply: cut as well.
            }
            return firstByte.Elapsed;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return TimeSpan.Zero; // reset by the server while sending: cut
        }
        catch (OperationCanceledException)
        {
            return null; // still trickling when the probe gave up: not cut
        }
    }

    private static string Describe(List<double> latencies) =>
        $"messages={latencies.Count} p50_ms={Median(latencies):0.00} p99_ms={Percentile(latencies, 0.99):0.00}";

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }

    private static byte[] BuildMessage()
    {
        var body = new byte[1024];
        MessageBodies.FillLines(body);
        return [.. "Subject: slowloris probe\r\n\r\n"u8, .. body, .. "\r\n.\r\n"u8];
    }
}
