using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.TestSupport;

/// <summary>A byte-level SMTP client for transcripts: it sends exactly what it is given and reads replies line by line.</summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);
    private readonly TcpClient _client;
    private NetworkStream _stream = null!;
    private readonly List<byte> _buffer = [];

    private RawSmtpClient(IPAddress? from) => _client = from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0));

    /// <param name="from">The local address to connect from (127.0.0.2 is another loopback client); null: the system's choice.</param>
    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint server, IPAddress? from = null)
    {
        var client = new RawSmtpClient(from);
        await client._client.ConnectAsync(server);
        client._stream = client._client.GetStream();
        return client;
    }

    /// <summary>Connects to a <see cref="TestServer"/> (mx.test), reads its greeting and says EHLO: where most transcripts start.</summary>
    public static async Task<RawSmtpClient> GreetedAsync(IPEndPoint server, IPAddress? from = null)
    {
        var client = await ConnectAsync(server, from);
        await client.ExpectAsync("220 mx.test ESMTP");
        await client.SendAsync("EHLO client.test\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one whole reply (all lines of a multi-line reply) and returns its lines.</summary>
    public async Task<string[]> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException($"connection closed after: {string.Join(" | ", lines)}");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
                return lines.ToArray();
        }
    }

    /// <summary>The first line of the next reply.</summary>
    public async Task<string> ExpectAsync(string prefix)
    {
        var reply = await ReadReplyAsync();
        Xunit.Assert.True(reply[^1].StartsWith(prefix, StringComparison.Ordinal), $"expected '{prefix}…', got '{string.Join(" | ", reply)}'");
        return reply[^1];
    }

    /// <summary>Pipelines MAIL, RCPT and DATA for one recipient and expects 250, 250, 354.</summary>
    public async Task BeginDataAsync(string from = "a@b.test", string to = "r@x.test")
    {
        await SendAsync($"MAIL FROM:<{from}>\r\nRCPT TO:<{to}>\r\nDATA\r\n");
        await ExpectAsync("250");
        await ExpectAsync("250");
        await ExpectAsync("354");
    }

    /// <summary>True when the server closed the connection (read returns 0) before <paramref name="within"/>.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var scratch = new byte[256];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(scratch, cts.Token);
                if (read == 0)
                    return true;
                _buffer.AddRange(scratch.AsSpan(0, read).ToArray());
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset
        }
    }

    /// <summary>Everything received but not yet read as replies.</summary>
    public string Unread => Encoding.UTF8.GetString(_buffer.ToArray());

    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        var scratch = new byte[4096];
        while (true)
        {
            var lf = _buffer.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer.GetRange(0, lf).ToArray()).TrimEnd('\r');
                _buffer.RemoveRange(0, lf + 1);
                return line;
            }
            var read = await _stream.ReadAsync(scratch, cts.Token);
            if (read == 0)
                return null;
            _buffer.AddRange(scratch.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>Resets the connection (RST, not FIN): SO_LINGER with a zero timeout, then close.</summary>
    public void Reset()
    {
        _client.LingerState = new LingerOption(true, 0);
        _client.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
