using System.Net.Sockets;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ActorSmtp.LoadTests.Clients;

/// MailKit's SmtpClient, as applications send mail: a MimeMessage per send, MailKit's own
/// pipelining and reply handling. Any certificate is accepted, since the point is load, not trust.
internal sealed class MailKitLoadClient : ILoadClient
{
    private readonly ScenarioSettings _settings;
    private readonly MessageBodies _bodies;
    private readonly StepLatencies _latencies;
    private readonly CancellationToken _stop;
    private readonly MailboxAddress _sender = MailboxAddress.Parse(MessageBodies.Sender);
    private readonly MailboxAddress[] _recipients;

    private TimedSmtpClient? _client;

    public MailKitLoadClient(ScenarioSettings settings, MessageBodies bodies, StepLatencies latencies, CancellationToken stop)
    {
        (_settings, _bodies, _latencies, _stop) = (settings, bodies, latencies, stop);
        _recipients = bodies.Recipients.Select(MailboxAddress.Parse).ToArray();
    }

    public bool IsConnected => _client is not null;

    public async Task ConnectAsync()
    {
        var greeting = new GreetingProbe();
        var client = new TimedSmtpClient(greeting)
        {
            Timeout = (int)_settings.IoTimeout.TotalMilliseconds,
            LocalDomain = "localhost",
            ServerCertificateValidationCallback = (_, _, _, _) => true,
        };
        // We open the socket ourselves so the TCP connect has its own timeout and MailKit never
        // resolves a host name; MailKit takes ownership of it.
        var socket = new Socket(_settings.Target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        timeout.CancelAfter(_settings.ConnectTimeout + _settings.IoTimeout);
        long started = Timestamps.Now;
        try
        {
            await socket.ConnectAsync(_settings.Target.EndPoint, timeout.Token);
            await client.ConnectAsync(socket, _settings.Target.Host, _settings.Target.Port, SocketOptions(), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            client.Dispose();
            throw;
        }
        long ehloDone = Timestamps.Now;
        long greeted = greeting.FirstServerBytes ?? ehloDone;
        _latencies.Record(Step.ConnectGreeting, Timestamps.Microseconds(started, greeted));
        _latencies.Record(Step.Ehlo, Timestamps.Microseconds(greeted, ehloDone));
        _client = client;
    }

    public async Task SendAsync(long messageSize)
    {
        var client = _client!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        timeout.CancelAfter(_settings.IoTimeout);
        var message = _bodies.NewMimeMessage(messageSize);
        client.LastRecipientAccepted = null;
        long started = Timestamps.Now;
        await client.SendAsync(message, _sender, _recipients, timeout.Token);
        long accepted = Timestamps.Now;
        long recipientsDone = client.LastRecipientAccepted ?? accepted;
        _latencies.Record(Step.MailRcpt, Timestamps.Microseconds(started, recipientsDone));
        _latencies.Record(Step.DataReply, Timestamps.Microseconds(recipientsDone, accepted));
    }

    public async Task QuitAsync()
    {
        if (_client is not { } client)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
                                      or SmtpProtocolException or SmtpCommandException)
        {
            // The server may close first; the connection is going away either way.
        }
        Abort();
    }

    public void Abort()
    {
        _client?.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync() => await QuitAsync();

    private SecureSocketOptions SocketOptions() => _settings.Tls switch
    {
        TlsMode.StartTls => SecureSocketOptions.StartTls,
        TlsMode.Implicit => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };
}
