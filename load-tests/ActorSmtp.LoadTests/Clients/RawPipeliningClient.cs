using System.Net.Sockets;
using System.Text;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Clients;

/// The fastest client we can write: a plain socket, commands prepared once per connection,
/// and MAIL + RCPT(s) + DATA in a single write when the server advertises PIPELINING
/// (RFC 2920 §3.1: DATA may end a pipelined group). Nothing in the send loop allocates.
/// As the bdat client it sends each message as one "BDAT n LAST" chunk (RFC 3030) where DATA would
/// go: the same round trips, no dot-stuffing, no terminator.
internal sealed class RawPipeliningClient : ILoadClient
{
    private static readonly byte[] Quit = "QUIT\r\n"u8.ToArray();

    private readonly ScenarioSettings _settings;
    private readonly MessageBodies _bodies;
    private readonly StepLatencies _latencies;
    private readonly CancellationToken _stop;
    private readonly byte[] _ehlo = "EHLO localhost\r\n"u8.ToArray();
    private readonly byte[] _mailFrom;
    private readonly byte[][] _rcptTo;
    private readonly byte[] _data = "DATA\r\n"u8.ToArray();
    private readonly byte[] _pipelinedEnvelope;
    private readonly bool _chunked;

    private Socket? _socket;
    private SmtpReplyReader? _replies;
    private CancellationTokenSource? _io;
    private bool _pipelining;

    public RawPipeliningClient(ScenarioSettings settings, MessageBodies bodies, StepLatencies latencies, CancellationToken stop)
    {
        (_settings, _bodies, _latencies, _stop) = (settings, bodies, latencies, stop);
        _mailFrom = Encoding.ASCII.GetBytes($"MAIL FROM:<{settings.MailFrom}>\r\n");
        _rcptTo = bodies.Recipients.Select(r => Encoding.ASCII.GetBytes($"RCPT TO:<{r}>\r\n")).ToArray();
        _chunked = settings.Client == ClientKind.Bdat;
        _pipelinedEnvelope = [.. _mailFrom, .. _rcptTo.SelectMany(r => r), .. _chunked ? [] : _data];
    }

    public bool IsConnected => _socket is not null;

    public async Task ConnectAsync()
    {
        long started = Timestamps.Now;
        var socket = new Socket(_settings.Target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var io = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        try
        {
            io.CancelAfter(_settings.ConnectTimeout);
            await socket.ConnectAsync(_settings.Target.EndPoint, io.Token);
            var replies = new SmtpReplyReader(socket);
            Expect(await replies.ReadAsync(io.Token), 220, replies);
            long greeted = Timestamps.Now;

            io.CancelAfter(_settings.IoTimeout);
            await socket.SendAllAsync(_ehlo, io.Token);
            Expect(await replies.ReadAsync(io.Token), 250, replies);
            _pipelining = replies.LastReplyHasKeyword("PIPELINING"u8);
            if (_chunked && !replies.LastReplyHasKeyword("CHUNKING"u8))
                throw new NotSupportedException("the server does not advertise CHUNKING (RFC 3030), which the bdat client needs");
            long ehloDone = Timestamps.Now;

            (_socket, _replies, _io) = (socket, replies, io);
            DisarmTimeout();
            _latencies.Record(Step.ConnectGreeting, Timestamps.Microseconds(started, greeted));
            _latencies.Record(Step.Ehlo, Timestamps.Microseconds(greeted, ehloDone));
        }
        catch
        {
            socket.Dispose();
            io.Dispose();
            throw;
        }
    }

    public async Task SendAsync(long messageSize)
    {
        var (socket, replies, io) = (_socket!, _replies!, _io!);
        io.CancelAfter(_settings.IoTimeout);
        var token = io.Token;
        long started = Timestamps.Now;

        if (_pipelining)
        {
            await socket.SendAllAsync(_pipelinedEnvelope, token);
            Expect(await replies.ReadAsync(token), 250, replies);
            for (int i = 0; i < _rcptTo.Length; i++)
                ExpectRecipient(await replies.ReadAsync(token), replies);
        }
        else
        {
            await socket.SendAllAsync(_mailFrom, token);
            Expect(await replies.ReadAsync(token), 250, replies);
            foreach (var rcpt in _rcptTo)
            {
                await socket.SendAllAsync(rcpt, token);
                ExpectRecipient(await replies.ReadAsync(token), replies);
            }
        }
        long recipientsDone = Timestamps.Now;

        if (_chunked)
        {
            await socket.SendAllAsync(_bodies.LastChunkCommand(messageSize), token);
            await socket.SendAllAsync(_bodies.Content(messageSize), token);
        }
        else
        {
            if (!_pipelining)
                await socket.SendAllAsync(_data, token);
            Expect(await replies.ReadAsync(token), 354, replies);
            await socket.SendAllAsync(_bodies.Wire(messageSize), token);
        }
        Expect(await replies.ReadAsync(token), 250, replies);
        long accepted = Timestamps.Now;

        DisarmTimeout();
        _latencies.Record(Step.MailRcpt, Timestamps.Microseconds(started, recipientsDone));
        _latencies.Record(Step.DataReply, Timestamps.Microseconds(recipientsDone, accepted));
    }

    public async Task QuitAsync()
    {
        if (_socket is not { } socket)
            return;
        try
        {
            _io!.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.SendAllAsync(Quit, _io.Token);
            await _replies!.ReadAsync(_io.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The server may close first; the connection is going away either way.
        }
        Abort();
    }

    public void Abort()
    {
        _socket?.Dispose();
        _io?.Dispose();
        (_socket, _replies, _io) = (null, null, null);
    }

    public async ValueTask DisposeAsync() => await QuitAsync();

    // Sessions may sit idle between messages (open model), so the timer must not run then.
    // If it fired just after the last reply, the source is spent and is replaced.
    private void DisarmTimeout()
    {
        if (_io!.TryReset())
            return;
        _io.Dispose();
        _io = CancellationTokenSource.CreateLinkedTokenSource(_stop);
    }

    private static void Expect(int code, int expected, SmtpReplyReader replies)
    {
        if (code != expected)
            throw new SmtpReplyException(code, replies.LastReplyText());
    }

    // RFC 5321 §3.6.1: 251 "user not local; will forward" also accepts the recipient.
    private static void ExpectRecipient(int code, SmtpReplyReader replies)
    {
        if (code is not (250 or 251))
            throw new SmtpReplyException(code, replies.LastReplyText());
    }
}
