using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using ActorSmtp.Server.Tls;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Transport;

/// <summary>
/// The socket side of one connection: a read loop over a <see cref="PipeReader"/> and a reply writer.
/// <para>
/// Pull mode, one buffer at a time: the loop hands each read's whole buffer to the owning actor
/// (<see cref="TransportProtocol.Received"/>, no copy) and waits until the actor calls
/// <see cref="Resume"/> with how far it got. The actor therefore reads the pipe's memory directly,
/// several pipelined commands cost one actor message, and a slow sink stops socket reads (backpressure
/// all the way to the client's TCP window). Zero-byte reads keep idle connections free of buffers.
/// </para>
/// </summary>
internal sealed class SocketTransport : IDisposable
{
    private const int SegmentSize = 16 * 1024;

    private static readonly StreamPipeReaderOptions ReaderOptions =
        new(bufferSize: SegmentSize, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private SslStream? _tls;
    private Stream _stream;
    private PipeReader _reader;
    private readonly ResumeSignal _resume = new();
    private readonly ReplyBuffer _replies = new();
    private long _deadline = long.MaxValue;
    private int _disposed;
    private int _bufferLent; // 1 while the actor holds a read buffer and the loop waits for Resume
    private int _writing;    // 1 while replies wait for a full socket to drain
    private int _closing;    // 1 once a close was asked for: a second one is a no-op
    private int _replyRate;  // bytes per second replies are written at (an injected fault); 0 = as fast as the socket takes them
    private bool _resetOnDispose; // the close is a reset (an injected fault)

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _stream = _network = new NetworkStream(socket, ownsSocket: true);
        // Only the synchronous calls notice (async I/O is non-blocking anyway): Send must never block a
        // dispatcher thread on a client that stops reading; it says WouldBlock and we go async instead.
        _socket.Blocking = false;
        _reader = PipeReader.Create(_stream, ReaderOptions);
    }

    /// <summary>The client: the socket's peer, or the source a PROXY header named.</summary>
    public IPEndPoint RemoteEndPoint { get; private set; }

    /// <summary>Where the client connected: the socket's local end, or the destination a PROXY header named.</summary>
    public IPEndPoint LocalEndPoint { get; private set; }

    /// <summary>A trusted proxy's header named the real endpoints (HAProxy PROXY protocol); logs and envelopes use them.</summary>
    public void UseProxiedEndPoints(IPEndPoint source, IPEndPoint? destination)
    {
        RemoteEndPoint = source;
        LocalEndPoint = destination ?? LocalEndPoint;
    }

    /// <summary>Milliseconds (Environment.TickCount64) after which the connection's current wait has expired.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    public void SetDeadline(TimeSpan fromNow) =>
        Volatile.Write(ref _deadline, Environment.TickCount64 + (long)fromNow.TotalMilliseconds);

    /// <summary>An absolute deadline in Environment.TickCount64 milliseconds.</summary>
    public void SetDeadlineAt(long tick) => Volatile.Write(ref _deadline, tick);

    public void ClearDeadline() => Volatile.Write(ref _deadline, long.MaxValue);

    /// <summary>
    /// Writes queued replies while the read loop is busy reading (a delayed greeting). A write that fails
    /// ends the connection; the read loop then reports it closed.
    /// </summary>
    public void Send()
    {
        var flushed = FlushAsync();
        if (!flushed.IsCompletedSuccessfully)
            _ = DisposeIfFailedAsync(flushed);
    }

    private async Task DisposeIfFailedAsync(ValueTask flushed)
    {
        if (!await Succeeded(flushed).ConfigureAwait(false))
            Dispose();
    }

    /// <summary>Queues a reply; it is written by the next <see cref="Resume"/> or <see cref="CloseAfterReplies"/>.</summary>
    public void Reply(ReadOnlySpan<byte> reply) => _replies.Append(reply);

    /// <summary>
    /// Writes the greeting, then starts the read loop that feeds <paramref name="owner"/>. With
    /// <paramref name="implicitTls"/> the TLS handshake comes first (port 465 style).
    /// </summary>
    public void Start(IActorRef owner, TlsUpgrade? implicitTls = null)
    {
        if (implicitTls is not null)
        {
            _ = StartSecureAsync(owner, implicitTls);
            return;
        }
        var flushed = FlushAsync();
        if (flushed.IsCompletedSuccessfully)
            _ = ReadLoopAsync(owner);
        else
            _ = StartAfterFlushAsync(flushed, owner);
    }

    /// <summary>Writes queued replies, then lets the read loop continue past <paramref name="consumed"/>.</summary>
    public void Resume(SequencePosition consumed, SequencePosition examined)
    {
        var advance = new ReadAdvance(consumed, examined, Stop: false);
        var flushed = FlushAsync();
        if (flushed.IsCompletedSuccessfully)
            SignalLoop(advance);
        else
            _ = ResumeAfterFlushAsync(flushed, advance);
    }

    /// <summary>
    /// Writes the queued 220, then switches the connection to TLS. Every byte already read is dropped
    /// unexecuted: plaintext pipelined behind STARTTLS must never count as sent over TLS (CVE-2011-0411).
    /// The owner then gets <see cref="TransportProtocol.TlsEstablished"/>, or the connection closes.
    /// </summary>
    public void StartTls(SequencePosition end, TlsUpgrade upgrade)
    {
        var advance = new ReadAdvance(end, end, Stop: false, upgrade);
        var flushed = FlushAsync();
        if (flushed.IsCompletedSuccessfully)
            SignalLoop(advance);
        else
            _ = ResumeAfterFlushAsync(flushed, advance);
    }

    /// <summary>
    /// Implicit TLS behind a proxy: everything after <paramref name="consumed"/> (the PROXY header) is the
    /// start of the TLS handshake, so it is kept and handed to TLS instead of being dropped.
    /// </summary>
    public void StartImplicitTls(SequencePosition consumed, TlsUpgrade upgrade) =>
        SignalLoop(new ReadAdvance(consumed, consumed, Stop: false, upgrade, KeepUnread: true));

    /// <summary>True while replies wait for the client to read: nothing more can be written until then.</summary>
    public bool IsWriting => Volatile.Read(ref _writing) == 1;

    /// <summary>
    /// Writes queued replies, then closes the connection (QUIT, 421). A client that does not read them
    /// within <paramref name="linger"/> is cut off by the next deadline check.
    /// </summary>
    public void CloseAfterReplies(TimeSpan linger) => CloseAfterReplies(linger, reset: false);

    /// <summary>
    /// Writes queued replies, then resets the connection (RST: no FIN, SO_LINGER 0), as a crashed server or a middlebox
    /// would (an injected fault).
    /// </summary>
    public void ResetAfterReplies(TimeSpan linger) => CloseAfterReplies(linger, reset: true);

    /// <summary>From now on replies leave at <paramref name="bytesPerSecond"/> (an injected fault: a slow server).</summary>
    public void SlowReplies(int bytesPerSecond) => _replyRate = bytesPerSecond;

    private void CloseAfterReplies(TimeSpan linger, bool reset)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        SetDeadline(linger);
        if (reset)
            _resetOnDispose = true;
        var flushed = FlushAsync();
        if (flushed.IsCompletedSuccessfully)
            Dispose();
        else
            _ = DisposeAfterFlushAsync(flushed);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        ClearDeadline();
        try
        {
            if (_resetOnDispose)
                _socket.LingerState = new LingerOption(true, 0); // close(2) then sends RST, and no FIN before it
            else
                _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        catch (ObjectDisposedException)
        {
        }
        _tls?.Dispose();
        _stream.Dispose();
        _network.Dispose();
        SignalLoop(ReadAdvance.Halt);
    }

    /// <summary>Releases the loop exactly once per lent buffer, whichever of resume or close comes first.</summary>
    private void SignalLoop(ReadAdvance advance)
    {
        if (Interlocked.Exchange(ref _bufferLent, 0) == 1)
            _resume.Signal(advance);
    }

    private async Task ReadLoopAsync(IActorRef owner)
    {
        var reason = "closed by client";
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                var resumed = _resume.WaitAsync();
                Volatile.Write(ref _bufferLent, 1);
                if (Volatile.Read(ref _disposed) != 0)
                    break;
                owner.Tell(new TransportProtocol.Received(result.Buffer, result.IsCompleted));
                var advance = await resumed.ConfigureAwait(false);
                if (advance.Stop || result.IsCompleted)
                    break;
                _reader.AdvanceTo(advance.Consumed, advance.Examined);
                if (advance.Upgrade is { } upgrade)
                {
                    byte[]? unread = null;
                    if (advance.KeepUnread && _reader.TryRead(out var rest))
                    {
                        unread = rest.Buffer.ToArray();
                        _reader.AdvanceTo(rest.Buffer.End);
                    }
                    await _reader.CompleteAsync().ConfigureAwait(false); // drops whatever it still buffered
                    owner.Tell(await HandshakeAsync(upgrade, unread).ConfigureAwait(false));
                }
            }
        }
        catch (Exception ex)
        {
            // Any failure ends this connection, never the process; the actor learns why below.
            reason = ex.Message;
        }
        finally
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
            owner.Tell(new TransportProtocol.Closed(reason));
        }
    }

    /// <summary>Runs the server side of the TLS handshake and moves reads and writes onto the TLS stream.</summary>
    private async Task<TransportProtocol.TlsEstablished> HandshakeAsync(TlsUpgrade upgrade, byte[]? unread = null)
    {
        var tls = new SslStream(unread is { Length: > 0 } ? new PrefixedStream(unread, _network) : _network, leaveInnerStreamOpen: true);
        // No timer of its own: the connection's deadline (HandshakeTimeout) is checked by the listener's
        // heartbeat, which disposes this transport, and that fails the handshake.
        try
        {
            await tls.AuthenticateAsServerAsync(
                static (_, hello, state, _) => ValueTask.FromResult(((CertificateStore)state!).For(hello.ServerName)),
                upgrade.Certificates, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            Telemetry.SmtpMetrics.TlsHandshakeFailed();
            await tls.DisposeAsync().ConfigureAwait(false);
            throw; // ends the read loop: a failed handshake closes the connection, never falls back to plaintext
        }
        _tls = tls;
        _stream = tls;
        _reader = PipeReader.Create(tls, ReaderOptions);
        return new TransportProtocol.TlsEstablished(new TlsInfo(
            tls.SslProtocol.ToString(), tls.NegotiatedCipherSuite.ToString(),
            string.IsNullOrEmpty(tls.TargetHostName) ? null : tls.TargetHostName));
    }

    private async Task StartSecureAsync(IActorRef owner, TlsUpgrade upgrade)
    {
        TransportProtocol.TlsEstablished established;
        try
        {
            established = await HandshakeAsync(upgrade).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            owner.Tell(new TransportProtocol.Closed($"TLS handshake failed: {ex.Message}"));
            return;
        }
        owner.Tell(established);
        if (await Succeeded(FlushAsync()).ConfigureAwait(false))
            await ReadLoopAsync(owner).ConfigureAwait(false);
        else
            owner.Tell(new TransportProtocol.Closed("write failed"));
    }

    private ValueTask FlushAsync()
    {
        if (_replies.IsEmpty || Volatile.Read(ref _disposed) != 0)
        {
            _replies.Clear();
            return ValueTask.CompletedTask;
        }
        var pending = _replies.Written;
        ValueTask write;
        try
        {
            // Replies are small and the send buffer is almost always free: one send(2) from this thread,
            // without the async machinery (nor its per-connection state, ~300 bytes kept while idle).
            // Over TLS the stream has to encrypt, so it writes.
            if (_replyRate > 0)
            {
                var copy = pending.ToArray();
                _replies.Clear();
                return TrickleAsync(copy, _replyRate);
            }
            if (_tls is not null)
                return AwaitWriteAsync(_tls.WriteAsync(pending));
            var sent = _socket.Send(pending.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success && sent == pending.Length)
            {
                _replies.Clear();
                return ValueTask.CompletedTask;
            }
            if (error is not (SocketError.Success or SocketError.WouldBlock))
                throw new SocketException((int)error);
            write = _stream.WriteAsync(pending[Math.Max(sent, 0)..]);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _replies.Clear();
            return ValueTask.FromException(ex);
        }
        if (write.IsCompletedSuccessfully)
        {
            _replies.Clear();
            return ValueTask.CompletedTask;
        }
        return AwaitWriteAsync(write);
    }

    /// <summary>
    /// Writes <paramref name="replies"/> a tenth of <paramref name="rate"/> at a time, ten times a second. They are its own
    /// copy: the client may answer the last bytes before this returns, and the replies to that go into the queue anew.
    /// </summary>
    private async ValueTask TrickleAsync(byte[] replies, int rate)
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            var step = Math.Max(1, rate / 10);
            var pause = TimeSpan.FromMilliseconds(Math.Max(1, 1000L * step / rate));
            for (var at = 0; at < replies.Length; at += step)
            {
                if (at > 0)
                    await Task.Delay(pause).ConfigureAwait(false);
                await _stream.WriteAsync(replies.AsMemory(at, Math.Min(step, replies.Length - at))).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private async ValueTask AwaitWriteAsync(ValueTask write)
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            _replies.Clear();
            Volatile.Write(ref _writing, 0);
        }
    }

    private async Task StartAfterFlushAsync(ValueTask flushed, IActorRef owner)
    {
        if (await Succeeded(flushed).ConfigureAwait(false))
            await ReadLoopAsync(owner).ConfigureAwait(false);
        else
            owner.Tell(new TransportProtocol.Closed("write failed"));
    }

    private async Task ResumeAfterFlushAsync(ValueTask flushed, ReadAdvance advance) =>
        SignalLoop(await Succeeded(flushed).ConfigureAwait(false) ? advance : ReadAdvance.Halt);

    private async Task DisposeAfterFlushAsync(ValueTask flushed)
    {
        await Succeeded(flushed).ConfigureAwait(false);
        Dispose();
    }

    private static async ValueTask<bool> Succeeded(ValueTask flushed)
    {
        try
        {
            await flushed.ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
