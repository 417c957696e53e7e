using System.Diagnostics;
using System.Text;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Probes;

/// The mailbox's promise to a test (issue 17): a long-poll on /api/v1/messages/await answers as soon as the
/// matching message is stored. Per message: the await is asked first (to a recipient of its own), then the
/// message is sent over one SMTP session; the lag is the time from the 250 reaching this client to the
/// await's answer reaching it. Negative would mean the answer came before the 250: reported, never expected.
internal sealed class AwaitLatencyProbe(LoopbackTarget target, Uri mailbox, int messages, TimeSpan maxP99)
{
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellation)
    {
        using var http = new HttpClient { BaseAddress = mailbox, Timeout = TimeSpan.FromSeconds(30) };
        var (socket, replies) = await SmtpHandshake.OpenAsync(target, cancellation);
        var lags = new List<double>(messages);
        var early = 0;
        using (socket)
        {
            for (var i = 0; i < messages; i++)
            {
                var rcpt = $"await-{Guid.NewGuid():N}@probe.test";
                var answer = AwaitAsync(http, rcpt, cancellation);
                await Task.Delay(2, cancellation); // the request is on the wire and registered before the message
                var stored = await SendAsync(socket, replies, rcpt, cancellation);
                var (answered, status) = await answer;
                if (status != 200)
                    throw new InvalidOperationException($"await for {rcpt} answered {status}");
                var lag = (answered - stored) * 1000.0 / Stopwatch.Frequency;
                if (lag < 0)
                    early++;
                lags.Add(lag);
            }
            await socket.SendAllAsync("QUIT\r\n"u8.ToArray(), cancellation);
        }
        lags.Sort();
        double P(double q) => lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(q * lags.Count) - 1)];
        var ok = P(0.99) <= maxP99.TotalMilliseconds && early == 0;
        output.WriteLine($"await: messages={messages} lag_ms_p50={P(0.50):0.00} lag_ms_p90={P(0.90):0.00} lag_ms_p99={P(0.99):0.00} " +
                         $"lag_ms_max={lags[^1]:0.00} answered_before_250={early} limit_p99_ms={maxP99.TotalMilliseconds:0} verdict={(ok ? "ok" : "FAILED")}");
        return ok ? 0 : 1;
    }

    private static async Task<(long At, int Status)> AwaitAsync(HttpClient http, string rcpt, CancellationToken cancellation)
    {
        using var response = await http.GetAsync($"api/v1/messages/await?to={Uri.EscapeDataString(rcpt)}&timeout=20s", cancellation);
        var at = Stopwatch.GetTimestamp();
        return (at, (int)response.StatusCode);
    }

    /// <summary>One message to <paramref name="rcpt"/> on the open session; the time its 250 arrived.</summary>
    private static async Task<long> SendAsync(System.Net.Sockets.Socket socket, SmtpReplyReader replies, string rcpt, CancellationToken cancellation)
    {
        await socket.SendAllAsync(Encoding.ASCII.GetBytes($"MAIL FROM:<{MessageBodies.Sender}>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n"), cancellation);
        await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
        await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
        await SmtpHandshake.ExpectAsync(replies, 354, cancellation);
        await socket.SendAllAsync(Encoding.ASCII.GetBytes($"Subject: await probe\r\nTo: <{rcpt}>\r\n\r\nawait latency probe\r\n.\r\n"), cancellation);
        await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
        return Stopwatch.GetTimestamp();
    }
}
