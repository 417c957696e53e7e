using System.Diagnostics;
using System.Net.Sockets;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Probes;

/// What an idle connection costs the server: open N connections that each read the greeting,
/// say EHLO and then stay silent; compare the server's RSS before and after; check every
/// socket is still open (the server did not shed them); then close them all.
/// With <paramref name="pendingHeaderBytes"/> above 0 each connection goes on into DATA and sends that
/// many bytes of header lines without the empty line that would end the block, then stays silent: what
/// a pending header block costs (issue 15 §0c).
internal sealed class IdleConnectionsProbe(
    LoopbackTarget target, int connections, int? pid, int handshakesInFlight, TimeSpan settle, int pendingHeaderBytes = 0)
{
    private static readonly byte[] Transaction = "MAIL FROM:<probe@localhost>\r\nRCPT TO:<sink@localhost>\r\nDATA\r\n"u8.ToArray();

    // Head-room for the runtime's own descriptors (assemblies, epoll, pipes).
    private const int SpareDescriptors = 64;

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellation)
    {
        if (OpenFileLimit.Current() < connections + SpareDescriptors)
        {
            output.WriteLine($"idle: the open-file limit is {OpenFileLimit.Current()}, below {connections} connections + {SpareDescriptors}; " +
                             "raise it first (ulimit -n 20000)");
            return 2;
        }

        long? before = pid is { } p ? await ProcessMemory.SteadyResidentKbAsync(p) : null;
        var sockets = new Socket?[connections];
        var failures = new ErrorTally();
        var opening = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(handshakesInFlight))
        {
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
            {
                await gate.WaitAsync(cancellation);
                try
                {
                    var (socket, replies) = await SmtpHandshake.OpenAsync(target, cancellation);
                    sockets[i] = socket;
                    if (pendingHeaderBytes > 0)
                        await BeginHeaderBlockAsync(socket, replies, cancellation);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
                {
                    failures.Record(ErrorClassifier.Classify(e, stopping: false));
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        opening.Stop();

        await Task.Delay(settle, cancellation);
        long? idle = pid is { } q ? await ProcessMemory.SteadyResidentKbAsync(q) : null;
        int opened = sockets.Count(s => s is not null);
        int stillOpen = sockets.Count(s => s is not null && IsOpen(s));
        foreach (var socket in sockets)
            socket?.Dispose();

        double? kbPerConnection = before is { } b && idle is { } i && opened > 0 ? (i - b) / (double)opened : null;
        output.WriteLine($"idle: connections={connections} pending_header_bytes={pendingHeaderBytes} opened={opened} still_open={stillOpen} " +
                         $"open_seconds={opening.Elapsed.TotalSeconds:0.0} rss_before_kb={before?.ToString() ?? "-"} " +
                         $"rss_idle_kb={idle?.ToString() ?? "-"} kb_per_connection={kbPerConnection?.ToString("0.0") ?? "-"} " +
                         $"failures={Describe(failures)}");
        return opened == connections && stillOpen == connections ? 0 : 1;
    }

    /// MAIL, RCPT, DATA (pipelined), then header lines up to the size, never the empty line that ends them.
    private async Task BeginHeaderBlockAsync(Socket socket, SmtpReplyReader replies, CancellationToken cancellation)
    {
        await socket.SendAllAsync(Transaction, cancellation);
        await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
        await SmtpHandshake.ExpectAsync(replies, 250, cancellation);
        await SmtpHandshake.ExpectAsync(replies, 354, cancellation);
        await socket.SendAllAsync(HeaderLines(pendingHeaderBytes), cancellation);
    }

    // 78-octet lines (RFC 5322 §2.1.1's recommended length) of one X- field each.
    private static byte[] HeaderLines(int size)
    {
        var line = "X-Probe: " + new string('h', 67) + "\r\n";
        var text = new System.Text.StringBuilder(size + line.Length);
        while (text.Length + line.Length <= size)
            text.Append(line);
        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }

    private static string Describe(ErrorTally failures) =>
        failures.Total == 0 ? "0" : string.Join(',', failures.Counts().Select(e => $"{e.Kind}:{e.Count}"));

    // Readable with nothing to read means the peer closed (or reset) the connection.
    private static bool IsOpen(Socket socket)
    {
        try
        {
            return !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
