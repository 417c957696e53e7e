using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.LoadTests.Tests;

/// A minimal SMTP responder on 127.0.0.1:0 for unit-level tests of the generator: enough
/// dialogue for EHLO, MAIL, RCPT, DATA and QUIT, with PIPELINING optional and RCPT's reply
/// configurable. Not a server under test; the real ActorSmtp smoke test lives elsewhere.
internal sealed class FakeSmtpResponder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private readonly bool _pipelining;
    private readonly string _rcptReply;
    private int _messages;
    private int _connectionCount;

    public FakeSmtpResponder(bool pipelining = true, string rcptReply = "250 2.1.5 ok")
    {
        (_pipelining, _rcptReply) = (pipelining, rcptReply);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public string Target => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int MessagesReceived => Volatile.Read(ref _messages);
    public int ConnectionsAccepted => Volatile.Read(ref _connectionCount);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_acceptLoop, .. Snapshot()]).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private Task[] Snapshot()
    {
        lock (_connections)
            return _connections.ToArray();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connectionCount);
            lock (_connections)
                _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake ESMTP");
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync(_pipelining ? "250-fake\r\n250-PIPELINING\r\n250 8BITMIME\r\n" : "250-fake\r\n250 8BITMIME\r\n");
                        break;
                    case "RCPT":
                        await writer.WriteLineAsync(_rcptReply);
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        while (await reader.ReadLineAsync(_stop.Token) is { } body && body != ".")
                        {
                        }
                        Interlocked.Increment(ref _messages);
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default: // HELO, MAIL, RSET, NOOP
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client dropped the connection or the test is over.
        }
    }
}
