using ActorSmtp.Sinks;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Listener;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Before the greeting and after the last reply: the PROXY header (HAProxy spec) on endpoints that expect
/// one, the per-client admission it leads to, the greeting delay with early-talker detection
/// (postscreen's pregreet test), and draining at shutdown.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    private enum Opening
    {
        /// <summary>The greeting went out; SMTP is running.</summary>
        None,
        /// <summary>Waiting for the PROXY header; nothing has been sent.</summary>
        ProxyHeader,
        /// <summary>The header named the client; the listener's per-client limits decide.</summary>
        Admission,
        /// <summary>The greeting is held back (greeting-delay); any byte now is an early talker.</summary>
        GreetingDelay,
    }

    private Opening _opening;
    private bool _draining;

    private void Open(ConnectionProtocol.Start start)
    {
        _transport = start.Transport;
        _session.Rates = start.Client;
        if (settings.Proxy is not null)
        {
            _opening = Opening.ProxyHeader;
            _transport.SetDeadline(settings.Limits.ProxyHeaderTimeout);
            _transport.Start(Self); // plaintext first, even on an implicit-TLS endpoint: TLS starts after the header
            return;
        }
        StartTelemetry();
        if (settings.ImplicitTls && !TlsSessionAllowed())
        {
            _transport.Dispose();
            Context.Stop(Self); // the read loop never started, so nothing else would report the close
            return;
        }
        Greet(starting: true);
    }

    /// <summary>
    /// tls-session-rate-per-client for implicit TLS, counted before the handshake (the CPU-expensive part). Over it
    /// the connection is closed without a handshake: no reply can be read on a TLS port (Postfix wrapper mode).
    /// </summary>
    private bool TlsSessionAllowed()
    {
        if (_session.Rates?.TryTakeTlsSession() ?? true)
            return true;
        _telemetry?.TlsSessionRefused();
        _session.Close();
        return false;
    }

    /// <summary>Once the client's address is known for good (after a PROXY header, if any).</summary>
    private void StartTelemetry() => _telemetry = Telemetry.SessionTelemetry.Start(
        Context, Log, settings.Session.Replies, _transport.LocalEndPoint, _transport.RemoteEndPoint);

    /// <summary>Queues the greeting, or with a greeting delay leaves it to the heartbeat (<see cref="OnOpeningDeadline"/>).</summary>
    private void Greet(bool starting)
    {
        var delay = settings.Limits.GreetingDelay;
        _opening = delay > TimeSpan.Zero ? Opening.GreetingDelay : Opening.None;
        if (_opening == Opening.None)
            Reply(settings.Session.Replies.Greeting);
        var wait = _opening == Opening.GreetingDelay ? delay : settings.CommandTimeout;
        if (!starting)
        {
            _transport.SetDeadline(wait);
            _transport.Send(); // the read loop is already running (it read the PROXY header)
            return;
        }
        _transport.SetDeadline(settings.ImplicitTls ? settings.Tls!.HandshakeTimeout : wait);
        _transport.Start(Self, settings.ImplicitTls ? settings.Tls : null);
    }

    private void OnOpeningReceived(ConnectionProtocol.Received received)
    {
        var buffer = received.Buffer;
        if (_opening == Opening.ProxyHeader)
        {
            var header = ProxyHeaderParser.Parse(buffer, settings.Proxy!.Value);
            if (header.Status == ProxyHeaderStatus.NeedMore && !received.IsCompleted)
            {
                _transport.Resume(buffer.Start, buffer.End); // keep it all and parse again with more
                return;
            }
            if (header.Status != ProxyHeaderStatus.Parsed)
            {
                // The spec: an invalid header closes the connection without a reply.
                Log.Warning("Closing {0}: {1}", _transport.RemoteEndPoint, header.Error ?? "closed before the end of the PROXY header");
                Abort();
                return;
            }
            if (header.Source is { } source && !header.IsLocal)
                _transport.UseProxiedEndPoints(source, header.Destination);
            StartTelemetry();
            var rest = buffer.Slice(header.Length);
            if (settings.ImplicitTls && !received.IsCompleted)
            {
                // What follows is the TLS ClientHello: the loop keeps the buffer until admission starts TLS on it.
                _tlsStart = rest.Start;
                EnterAdmission();
                return;
            }
            if (rest.IsEmpty && !received.IsCompleted)
            {
                EnterAdmission();
                _transport.Resume(rest.Start, rest.Start); // read on: anything before the greeting is an early talker
                return;
            }
            buffer = rest; // the client spoke before any greeting: an early talker
        }
        if (buffer.IsEmpty)
        {
            Abort(); // gone before the greeting
            return;
        }
        // RFC 5321 §4.3.1 and postscreen's pregreet test: a client that talks before the 220 is not waiting
        // for replies; its input is never executed.
        Log.Info("Closing {0}: talked before the greeting", _transport.RemoteEndPoint);
        _opening = Opening.None;
        _session.Close();
        Reply(StandardReplies.EarlyTalker);
        Close();
    }

    private SequencePosition _tlsStart;

    private void EnterAdmission()
    {
        _opening = Opening.Admission;
        _transport.SetDeadline(settings.Limits.ProxyHeaderTimeout);
        Context.Parent.Tell(new ListenerProtocol.ClientIdentified(_transport.RemoteEndPoint.Address));
    }

    private void OnAdmission(object verdict)
    {
        if (_opening != Opening.Admission)
            return;
        if (verdict is ConnectionProtocol.Admitted admitted)
        {
            _session.Rates = admitted.Client;
            if (!settings.ImplicitTls)
            {
                Greet(starting: false);
                return;
            }
            // Implicit TLS behind a proxy: the handshake now, the greeting once it succeeded (OnTlsEstablished).
            _opening = Opening.None;
            if (!TlsSessionAllowed())
            {
                Abort();
                return;
            }
            _transport.SetDeadline(settings.Tls!.HandshakeTimeout);
            _transport.StartImplicitTls(_tlsStart, settings.Tls);
            return;
        }
        _opening = Opening.None;
        _session.Close();
        if (settings.ImplicitTls)
        {
            Abort(); // no TLS yet, so no reply can be read: just close
            return;
        }
        Reply(((ConnectionProtocol.Refused)verdict).Reply);
        Close();
    }

    /// <summary>The heartbeat found the opening's deadline over: greet now, or drop a proxy that said nothing.</summary>
    private void OnOpeningDeadline()
    {
        if (_opening != Opening.GreetingDelay)
        {
            Log.Info("Closing {0}: no PROXY header in time", _transport.RemoteEndPoint);
            Abort();
            return;
        }
        _opening = Opening.None;
        Reply(settings.Session.Replies.Greeting);
        _transport.SetDeadline(settings.CommandTimeout);
        _transport.Send();
    }

    /// <summary>Shutdown: an idle session closes now with 421 4.3.2; one in a transaction when it is over.</summary>
    private void OnDrain()
    {
        _draining = true;
        if (!_closing && (_opening != Opening.None || IdleForDrain))
            ShutDown();
    }

    /// <summary>
    /// The grace is over: a transaction still coming in is abandoned with 421 4.3.2 (RFC 5321 §3.8: the client
    /// keeps the message and retries), so nothing of it is stored. A session whose whole message is with the sink
    /// (or that waits on the authenticator) keeps waiting for its answer until the listener cuts what is left.
    /// </summary>
    private void OnGraceOver()
    {
        if (_closing || _suspension is not (Suspension.None or Suspension.BodyRoom))
            return;
        _message?.Fail(new MessageBodyException(BodyFailureCause.ConnectionClosed, "The server shut down before the end of data."));
        ShutDown();
    }

    private bool IdleForDrain =>
        _suspension == Suspension.None && !_upgrading && _session.State is SessionState.Connected or SessionState.Ready;

    private void ShutDown()
    {
        _opening = Opening.None;
        _session.Close();
        if (Handshaking || _transport.IsWriting)
        {
            Abort(); // no reply can be written now
            return;
        }
        Reply(settings.Session.Replies.ShuttingDown);
        Close();
    }

    /// <summary>Ends the connection without a word; the read loop then reports it closed and the actor stops.</summary>
    private void Abort()
    {
        _closing = true;
        _transport.Dispose();
    }
}
