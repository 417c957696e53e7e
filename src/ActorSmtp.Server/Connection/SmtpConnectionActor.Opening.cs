using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Transport;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The opening phases, before the greeting: the PROXY header (HAProxy spec) on endpoints that expect one, the
/// per-client admission it leads to, and the greeting delay with early-talker detection (postscreen's pregreet test).
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>Starting: nothing but the socket to adopt.</summary>
    private void OnStarting(object message)
    {
        if (message is ConnectionProtocol.Start start)
            Open(start);
        else
            Unhandled(message);
    }

    /// <summary>AwaitingProxyHeader: nothing has been sent; the header's bytes are parsed as they come.</summary>
    private void OnAwaitingProxyHeader(object message)
    {
        switch (message)
        {
            case TransportProtocol.Received received:
                OnProxyHeaderBytes(received);
                break;
            case ConnectionProtocol.DeadlineExpired:
                OnProxyDeadline();
                break;
            default:
                ElseCloseOnShutdown(message);
                break;
        }
    }

    /// <summary>AwaitingAdmission: the header named the client; the listener's per-client limits decide.</summary>
    private void OnAwaitingAdmission(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Admitted admitted:
                OnAdmitted(admitted.Client);
                break;
            case ConnectionProtocol.Refused refused:
                OnRefused(refused.Reply);
                break;
            case TransportProtocol.Received received:
                OnBeforeGreeting(received);
                break;
            case ConnectionProtocol.DeadlineExpired:
                OnProxyDeadline();
                break;
            default:
                ElseCloseOnShutdown(message);
                break;
        }
    }

    /// <summary>DelayingGreeting: the greeting is held back (greeting-delay); any byte now is an early talker.</summary>
    private void OnDelayingGreeting(object message)
    {
        switch (message)
        {
            case TransportProtocol.Received received:
                OnBeforeGreeting(received);
                break;
            case ConnectionProtocol.DeadlineExpired:
                if (DeadlinePassed())
                    GreetLate();
                break;
            default:
                ElseCloseOnShutdown(message);
                break;
        }
    }

    private void Open(ConnectionProtocol.Start start)
    {
        _transport = start.Transport;
        _session.Rates = start.Client;
        if (settings.Proxy is not null)
        {
            Become(AwaitingProxyHeader);
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

    /// <summary>Once the client's address is known for good (after a PROXY header, if any).</summary>
    private void StartTelemetry()
    {
        _telemetry = Telemetry.SessionTelemetry.Start(
            MessageIds.Next(), Context, Log, settings.Session.Replies, _transport.LocalEndPoint, _transport.RemoteEndPoint);
        if (settings.RelayNetworks.Count > 0)
            _session.ClientMayRelay = Configuration.ProtectionSettings.Contains(settings.RelayNetworks, _transport.RemoteEndPoint.Address);
    }

    /// <summary>Queues the greeting, or with a greeting delay leaves it to the heartbeat (<see cref="GreetLate"/>).</summary>
    private void Greet(bool starting)
    {
        if (ConnectFaultPending && !(starting && settings.ImplicitTls) && ConnectFault(starting))
            return;
        if (ClientCheckPending && !(starting && settings.ImplicitTls)) // the blocklists first: a listed client costs no policy
        {
            CheckClient(starting);
            return;
        }
        if (ConnectCheckPending && !(starting && settings.ImplicitTls)) // implicit TLS: checked after the handshake
        {
            CheckConnect(starting);
            return;
        }
        var delay = settings.Limits.GreetingDelay;
        var delayed = delay > TimeSpan.Zero;
        if (!delayed && !ConnectCheckPending && !ConnectFaultPending && !ClientCheckPending)
            Reply(settings.Session.Replies.Greeting);
        var wait = delayed ? delay : settings.CommandTimeout;
        if (!starting)
        {
            Become(delayed ? DelayingGreeting : Commands);
            _transport.SetDeadline(wait);
            _transport.Send(); // the read loop is already running (it read the PROXY header)
            return;
        }
        if (settings.ImplicitTls)
        {
            Become(ImplicitTlsHandshake); // the greeting (or its delay) follows the handshake
            _transport.SetDeadline(settings.Tls!.HandshakeTimeout);
            _transport.Start(Self, settings.Tls);
            return;
        }
        Become(delayed ? DelayingGreeting : Commands);
        _transport.SetDeadline(wait);
        _transport.Start(Self);
    }

    /// <summary>The heartbeat found the greeting delay over: greet now.</summary>
    private void GreetLate()
    {
        Become(Commands);
        Reply(settings.Session.Replies.Greeting);
        _transport.SetDeadline(settings.CommandTimeout);
        _transport.Send();
    }

    private void OnProxyHeaderBytes(TransportProtocol.Received received)
    {
        var buffer = received.Buffer;
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
        OnBeforeGreeting(rest); // the client spoke before any greeting
    }

    private void OnBeforeGreeting(TransportProtocol.Received received) => OnBeforeGreeting(received.Buffer);

    /// <summary>
    /// RFC 5321 §4.3.1 and postscreen's pregreet test: a client that talks before the 220 is not waiting for
    /// replies; its input is never executed.
    /// </summary>
    private void OnBeforeGreeting(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            Abort(); // gone before the greeting
            return;
        }
        Log.Info("Closing {0}: talked before the greeting", _transport.RemoteEndPoint);
        _session.Close();
        Reply(StandardReplies.EarlyTalker);
        Close();
    }

    private void EnterAdmission()
    {
        Become(AwaitingAdmission);
        _transport.SetDeadline(settings.Limits.ProxyHeaderTimeout);
        Context.Parent.Tell(new ConnectionProtocol.ClientIdentified(_transport.RemoteEndPoint.Address));
    }

    private void OnAdmitted(IClientRates? client)
    {
        _session.Rates = client;
        if (!settings.ImplicitTls)
        {
            Greet(starting: false);
            return;
        }
        // Implicit TLS behind a proxy: the handshake now, the greeting once it succeeded (OnImplicitTlsHandshake).
        if (!TlsSessionAllowed())
        {
            Abort();
            return;
        }
        Become(ImplicitTlsHandshake);
        _transport.SetDeadline(settings.Tls!.HandshakeTimeout);
        _transport.StartImplicitTls(_tlsStart, settings.Tls);
    }

    private void OnRefused(SmtpReply reply)
    {
        _session.Close();
        if (settings.ImplicitTls)
        {
            Abort(); // no TLS yet, so no reply can be read: just close
            return;
        }
        Reply(reply);
        Close();
    }

    /// <summary>The heartbeat found the PROXY header (or the admission it led to) late: drop a proxy that said nothing.</summary>
    private void OnProxyDeadline()
    {
        if (!DeadlinePassed())
            return;
        if (settings.ImplicitTls)
        {
            CutOff(); // mid-handshake as far as the client knows: no SMTP reply can be written
            return;
        }
        Log.Info("Closing {0}: no PROXY header in time", _transport.RemoteEndPoint);
        Abort();
    }
}
