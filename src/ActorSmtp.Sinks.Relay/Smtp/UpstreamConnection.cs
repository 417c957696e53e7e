using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ActorSmtp.Sinks.Relay.Routing;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>
/// One SMTP session with an upstream server, greeted, secured and authenticated as configured, between
/// transactions. Not thread-safe: one transaction at a time (the pool lends it to one store).
/// </summary>
/// <remarks>
/// Any exception from a method leaves the session in an unknown state: the caller disposes it
/// (<see cref="IsBroken"/>), and the upstream discards a transaction whose end it never saw.
/// </remarks>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ReplyReader _reader;
    private readonly RelaySettings _options;
    private Stream _stream;

    private UpstreamConnection(Socket socket, UpstreamHost host, RelaySettings options)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new ReplyReader(_stream);
        _options = options;
        Host = host;
    }

    public UpstreamHost Host { get; }
    public Capabilities Capabilities { get; private set; } = Capabilities.None;
    public bool IsSecure => _stream is SslStream;
    public bool IsBroken { get; private set; }

    /// <summary>Connects, reads the greeting, says EHLO (HELO when refused), and does STARTTLS and AUTH as configured.</summary>
    /// <exception cref="UpstreamUnavailableException">Unreachable, refused us, or could not be secured or logged in to.</exception>
    public static async Task<UpstreamConnection> OpenAsync(UpstreamHost host, RelaySettings options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var connecting = Timeout(options.ConnectTimeout, cancellationToken))
                await socket.ConnectAsync(host.EndPoint, connecting.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new UpstreamUnavailableException($"cannot connect to {host}: {Describe(ex)}", ex);
        }
        var connection = new UpstreamConnection(socket, host, options);
        try
        {
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Tls == TlsMode.Implicit)
            await SecureAsync(cancellationToken).ConfigureAwait(false);
        var greeting = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (greeting.Code != 220)
            throw new UpstreamUnavailableException($"{Host} greeted with {greeting}");
        await HelloAsync(cancellationToken).ConfigureAwait(false);
        if (_options.Tls == TlsMode.StartTls)
        {
            if (!Capabilities.StartTls)
                throw new UpstreamUnavailableException($"{Host} does not offer STARTTLS"); // never fall back to plain text
            await ExpectAsync("STARTTLS", 220, cancellationToken).ConfigureAwait(false);
            if (_reader.HasBuffered)
                throw new UpstreamUnavailableException($"{Host} sent data after its STARTTLS reply"); // RFC 3207 §4.2: an injection
            await SecureAsync(cancellationToken).ConfigureAwait(false);
            await HelloAsync(cancellationToken).ConfigureAwait(false); // RFC 3207 §4.2: forget what was learnt before TLS
        }
        if (_options.Auth is { } credentials)
            await UpstreamLogin.AuthenticateAsync(this, credentials, cancellationToken).ConfigureAwait(false);
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        var ehlo = await CommandAsync($"EHLO {_options.HeloName}", cancellationToken).ConfigureAwait(false);
        if (ehlo.Code == 250)
        {
            Capabilities = Capabilities.FromEhlo(ehlo);
            return;
        }
        // RFC 5321 §4.1.1.1: a server that does not know EHLO answers 500/502; an old one still speaks HELO.
        Capabilities = Capabilities.None;
        await ExpectAsync($"HELO {_options.HeloName}", 250, cancellationToken).ConfigureAwait(false);
    }

    private async Task SecureAsync(CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = Host.Name,
            EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
            RemoteCertificateValidationCallback = _options.VerifyCertificate ? null : static (_, _, _, _) => true,
        };
        try
        {
            using var handshake = Timeout(_options.CommandTimeout, cancellationToken);
            await ssl.AuthenticateAsClientAsync(authentication, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnavailableException($"TLS with {Host} failed: {Describe(ex)}", ex);
        }
        _stream = ssl;
        _reader.Stream = ssl;
    }

    /// <summary>Sends one command line and reads its reply.</summary>
    public async Task<UpstreamReply> CommandAsync(string line, CancellationToken cancellationToken)
    {
        await WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A command whose refusal means the upstream is of no use now (greeting, HELO, STARTTLS).</summary>
    private async Task ExpectAsync(string line, int code, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(line, cancellationToken).ConfigureAwait(false);
        if (reply.Code != code)
            throw new UpstreamUnavailableException($"{Host} answered {line.Split(' ')[0]} with {reply}");
    }

    /// <summary>RSET before a pooled session is lent again: it proves the session alive and clears any state.</summary>
    public async Task<bool> ResetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await CommandAsync("RSET", cancellationToken).ConfigureAwait(false)).Code == 250;
        }
        catch (Exception ex) when (ex is UpstreamUnavailableException or IOException or SocketException or OperationCanceledException
                                   && !cancellationToken.IsCancellationRequested)
        {
            IsBroken = true;
            return false;
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var writing = Timeout(_options.CommandTimeout, cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, writing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            IsBroken = true;
            throw new UpstreamUnavailableException($"writing to {Host} failed: {Describe(ex)}", ex);
        }
        catch
        {
            IsBroken = true;
            throw;
        }
    }

    public async Task<UpstreamReply> ReadAsync(CancellationToken cancellationToken)
    {
        using var reading = Timeout(_options.CommandTimeout, cancellationToken);
        try
        {
            return await _reader.ReadAsync(reading.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            IsBroken = true;
            throw new UpstreamUnavailableException($"no reply from {Host}: {Describe(ex)}", ex);
        }
        catch
        {
            IsBroken = true;
            throw;
        }
    }

    /// <summary>Marks the session unusable: a transaction was cut off in the middle (the upstream must never see its end).</summary>
    public void Break() => IsBroken = true;

    /// <summary>QUIT when the session is healthy (RFC 5321 §4.1.1.10), then close; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        var healthy = !IsBroken;
        IsBroken = true; // from now on, whoever looks sees it closing
        if (healthy)
        {
            try
            {
                using var quitting = Timeout(TimeSpan.FromSeconds(2), CancellationToken.None);
                await _stream.WriteAsync("QUIT\r\n"u8.ToArray(), quitting.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing anyway.
            }
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    /// <summary>The token of one step: cancelled by the store's own token or after <paramref name="limit"/>.</summary>
    private static CancellationTokenSource Timeout(TimeSpan limit, CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        return timeout;
    }

    private static string Describe(Exception ex) => ex is OperationCanceledException ? "timed out" : ex.Message;
}
