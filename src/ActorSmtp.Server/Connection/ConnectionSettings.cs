using Akka.Actor;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Policies;
using ActorSmtp.Server.Tls;
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
    ProxyProtocolVersions? Proxy = null,
    PolicyChain? Policies = null,
    IReadOnlyList<System.Net.IPNetwork>? Relaying = null,
    Faults.FaultBook? Faults = null,
    SenderAuthentication.SenderChecks? Checks = null)
{
    /// <summary>Clients that may send to any domain (<c>relay-networks</c>).</summary>
    public IReadOnlyList<System.Net.IPNetwork> RelayNetworks { get; } = Relaying ?? [];

    /// <summary>Greeting delay, slow-client deadlines, content limits (everything off unless configured).</summary>
    public ProtectionSettings Limits { get; } = Protection ?? ProtectionSettings.None;

    /// <summary>
    /// The connections of each endpoint, in configuration order: the one place settings for connections are
    /// composed (hosting calls it; the listener only spawns with them).
    /// </summary>
    /// <param name="tls">The certificates when an endpoint uses TLS.</param>
    /// <param name="authenticator">The authenticator when an endpoint offers AUTH.</param>
    public static IReadOnlyList<ConnectionSettings> ForEndpoints(
        ActorSmtpSettings settings, IActorRef sink, CertificateStore? tls = null, IActorRef? authenticator = null,
        PolicyChain? policies = null, Faults.FaultBook? faults = null, SenderAuthentication.SenderChecks? checks = null)
    {
        var upgrade = tls is null ? null : new TlsUpgrade(tls, settings.Tls.HandshakeTimeout); // shared by the endpoints
        return settings.Endpoints.Select(endpoint => From(settings, endpoint, sink, upgrade, authenticator, policies, faults, checks)).ToArray();
    }

    private static ConnectionSettings From(
        ActorSmtpSettings settings, EndpointSettings endpoint, IActorRef sink, TlsUpgrade? tls, IActorRef? authenticator,
        PolicyChain? policies, Faults.FaultBook? faults, SenderAuthentication.SenderChecks? checks) =>
        new(settings.SessionOptions(endpoint, (policies?.SessionStages ?? CheckedStages.None) | (faults is null ? CheckedStages.None : FaultStages)
                | (checks is { Spf: true } ? CheckedStages.MailFrom : CheckedStages.None)), // MAIL waits for its SPF result
            settings.CommandTimeout, settings.DataTimeout, settings.SinkResponseDeadline, sink,
            endpoint.Tls == EndpointTls.None ? null : tls, endpoint.Tls == EndpointTls.Implicit,
            authenticator, settings.Auth.FailureDelay, settings.Protection, endpoint.ProxyProtocol, policies, settings.RelayNetworks, faults, checks);

    // With faults on, HELO, MAIL and RCPT wait as for a policy: a fault may answer them instead (rules can change at run time).
    private const CheckedStages FaultStages = CheckedStages.Helo | CheckedStages.MailFrom | CheckedStages.RcptTo;
}
