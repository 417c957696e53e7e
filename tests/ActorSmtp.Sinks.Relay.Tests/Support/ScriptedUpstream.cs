using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.Sinks.Relay.Tests.Support;

/// <summary>
/// A minimal SMTP server on 127.0.0.1:0 that offers exactly the EHLO keywords it is given (or refuses EHLO), takes
/// every transaction, and records each command line, what was already buffered behind it (pipelining), and the
/// message bytes as they came (BDAT chunks, or DATA still dot-stuffed). For what the real upstreams cannot show.
/// </summary>
internal sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<string>? _keywords;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    /// <param name="keywords">The EHLO keywords; null: EHLO gets 502 (a HELO-only server).</param>
    public ScriptedUpstream(IReadOnlyList<string>? keywords)
    {
        _keywords = keywords;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Each command line received, in order.</summary>
    public List<string> Commands { get; } = [];

    /// <summary>The commands that arrived behind another one in the same read, before that one was answered.</summary>
    public List<string> Pipelined { get; } = [];

    /// <summary>The bytes after DATA (stuffed, up to and with the final ".") or of all BDAT chunks.</summary>
    public MemoryStream Content { get; } = new();

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    await SessionAsync(new Session(client.GetStream()));
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                    // The relay hung up: wait for the next session.
                }
            }
        }
    }

    private async Task SessionAsync(Session session)
    {
        await session.ReplyAsync("220 scripted ESMTP");
        while (await session.ReadLineAsync(_stop.Token) is { } line)
        {
            lock (Commands)
            {
                Commands.Add(line);
                if (session.HasBuffered)
                    Pipelined.Add(line);
            }
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" when _keywords is null:
                    await session.ReplyAsync("502 5.5.1 EHLO not implemented");
                    break;
                case "EHLO":
                    await session.ReplyAsync(string.Join("\r\n", _keywords.Prepend("scripted").Select((k, i) => (i == _keywords.Count ? "250 " : "250-") + k)));
                    break;
                case "DATA":
                    await session.ReplyAsync("354 go on");
                    Content.Write(await session.ReadUntilAsync("\r\n.\r\n"u8.ToArray(), _stop.Token));
                    await session.ReplyAsync("250 2.0.0 Ok: queued");
                    break;
                case "BDAT":
                    Content.Write(await session.ReadBytesAsync(int.Parse(line.Split(' ')[1]), _stop.Token));
                    await session.ReplyAsync(line.EndsWith(" LAST", StringComparison.Ordinal) ? "250 2.0.0 Ok: queued" : "250 2.0.0 chunk taken");
                    break;
                case "QUIT":
                    await session.ReplyAsync("221 2.0.0 Bye");
                    return;
                default:
                    await session.ReplyAsync("250 2.0.0 Ok");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _serving;
    }

    /// <summary>One connection's buffered reads.</summary>
    private sealed class Session(NetworkStream stream)
    {
        private readonly List<byte> _buffer = [];

        public bool HasBuffered => _buffer.Count > 0;

        public Task ReplyAsync(string reply) => stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n")).AsTask();

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = await ReadUntilAsync("\r\n"u8.ToArray(), cancellationToken);
            return line.Length == 0 ? null : Encoding.UTF8.GetString(line, 0, line.Length - 2);
        }

        public async Task<byte[]> ReadUntilAsync(byte[] end, CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = IndexOf(end);
                if (at >= 0)
                    return Take(at + end.Length);
                if (!await FillAsync(cancellationToken))
                    return [];
            }
        }

        public async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
        {
            while (_buffer.Count < count)
                if (!await FillAsync(cancellationToken))
                    throw new IOException("closed inside a chunk");
            return Take(count);
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            var scratch = new byte[65536];
            var read = await stream.ReadAsync(scratch, cancellationToken);
            _buffer.AddRange(scratch.AsSpan(0, read).ToArray());
            return read > 0;
        }

        private byte[] Take(int count)
        {
            var taken = _buffer.GetRange(0, count).ToArray();
            _buffer.RemoveRange(0, count);
            return taken;
        }

        private int IndexOf(byte[] end)
        {
            for (var i = 0; i + end.Length <= _buffer.Count; i++)
                if (end.Select((b, j) => _buffer[i + j] == b).All(match => match))
                    return i;
            return -1;
        }
    }
}
