using Akka.Actor;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Transport;

namespace ActorSmtp.Server.Connection;

/// <summary>Everything a connection needs, shared by all connections of an endpoint.</summary>
/// <param name="Tls">The handshake to run: at STARTTLS, or first of all when <paramref name="ImplicitTls"/>.</param>
/// <param name="Authenticator">Checks AUTH credentials; <paramref name="AuthFailureDelay"/> holds back every failure's reply.</param>
internal sealed record ConnectionSettings(
    SmtpSessionOptions Session,
    TimeSpan CommandTimeout,
    TimeSpan DataTimeout,
    TimeSpan SinkTimeout,
    IActorRef Sink,
    TlsUpgrade? Tls = null,
    bool ImplicitTls = false,
    IActorRef? Authenticator = null,
    TimeSpan AuthFailureDelay = default,
    ProtectionSettings? Protection = null,
    ProxyProtocolVersions? Proxy = null)
{
    /// <summary>Greeting delay, slow-client deadlines, content limits (everything off unless configured).</summary>
    public ProtectionSettings Limits { get; } = Protection ?? ProtectionSettings.None;
}
