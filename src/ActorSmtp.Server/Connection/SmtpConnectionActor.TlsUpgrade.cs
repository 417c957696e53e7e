using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The TLS handshakes: implicit TLS before the greeting (port 465 style, after the PROXY header if any), and
/// STARTTLS (RFC 3207). Mid-handshake no SMTP reply can be written, so a deadline or a shutdown just cuts.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    /// <summary>ImplicitTlsHandshake: the greeting (queued, or delayed) follows the handshake.</summary>
    private void OnImplicitTlsHandshake(object message)
    {
        switch (message)
        {
            case TransportProtocol.TlsEstablished established:
                OnImplicitTlsEstablished(established.Info);
                break;
            case ConnectionProtocol.DeadlineExpired:
                CutOffIfExpired();
                break;
            default:
                ElseCloseOnShutdown(message);
                break;
        }
    }

    /// <summary>UpgradingTls: STARTTLS was answered with 220; the plaintext read after it was dropped.</summary>
    private void OnUpgradingTls(object message)
    {
        switch (message)
        {
            case TransportProtocol.TlsEstablished established:
                OnStartTlsEstablished(established.Info);
                break;
            case ConnectionProtocol.DeadlineExpired:
                CutOffIfExpired();
                break;
            default:
                ElseFinishWithinGrace(message); // after a Drain the 421 is written over TLS, once the handshake is done
                break;
        }
    }

    /// <summary>After the STARTTLS reply went into the queue: the transport writes it, then switches to TLS.</summary>
    private void StartTls()
    {
        // RFC 3207 / CVE-2011-0411: the rest of this buffer is plaintext sent before TLS; it is dropped.
        _transport.SetDeadline(settings.Tls!.HandshakeTimeout);
        _transport.StartTls(_pending.End, settings.Tls);
    }

    private void OnImplicitTlsEstablished(TlsInfo info)
    {
        _tls = info;
        if (settings.Proxy is not null || ConnectCheckPending || ConnectFaultPending || ClientCheckPending)
        {
            // Behind a proxy the greeting waited for the handshake that followed the PROXY header; with a connect
            // policy it waits for its verdict, asked now that a refusal can be written over TLS.
            Greet(starting: false);
            return;
        }
        var delayed = settings.Limits.GreetingDelay > TimeSpan.Zero;
        Become(delayed ? DelayingGreeting : Commands);
        _transport.SetDeadline(delayed ? settings.Limits.GreetingDelay : settings.CommandTimeout);
    }

    private void OnStartTlsEstablished(TlsInfo info)
    {
        _tls = info;
        _session.TlsEstablished(); // RFC 3207 §4.2: forget what was said before TLS; EHLO again
        _lines.Reset();
        ReadCommands();
        _transport.SetDeadline(settings.CommandTimeout);
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

    /// <summary>Mid-handshake, no SMTP reply can be written.</summary>
    private bool Handshaking => _phase == UpgradingTls || (settings.ImplicitTls && _tls is null);
}
