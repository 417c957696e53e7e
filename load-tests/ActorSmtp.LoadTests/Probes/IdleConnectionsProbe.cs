using System.Diagnostics;
using System.Net.Sockets;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Probes;

/// What an idle connection costs the server: open N connections that each read the greeting,
/// say EHLO and then stay silent; compare the server's RSS before and after; check every
/// socket is still open (the server did not shed them); then close them all.
internal sealed class IdleConnectionsProbe(LoopbackTarget target, int connections, int? pid, int handshakesInFlight, TimeSpan settle)
{
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
                    sockets[i] = (await SmtpHandshake.OpenAsync(target, cancellation)).Socket;
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
        output.WriteLine($"idle: connections={connections} opened={opened} still_open={stillOpen} " +
                         $"open_seconds={opening.Elapsed.TotalSeconds:0.0} rss_before_kb={before?.ToString() ?? "-"} " +
                         $"rss_idle_kb={idle?.ToString() ?? "-"} kb_per_connection={kbPerConnection?.ToString("0.0") ?? "-"} " +
                         $"failures={Describe(failures)}");
        return opened == connections && stillOpen == connections ? 0 : 1;
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
