using System.Net;

namespace ActorSmtp.Sinks;

/// <summary>
/// What the SMTP conversation established about one message, apart from its content.
/// </summary>
/// <param name="MessageId">Unique, sortable id of this message; also the transaction id of <see cref="SinkProtocol"/> replies.</param>
/// <param name="ReceivedAt">When DATA was accepted (UTC).</param>
/// <param name="MailFrom">The reverse path; empty for the null sender &lt;&gt;.</param>
/// <param name="RcptTo">Accepted recipients, in order.</param>
/// <param name="Client">The client's address and port.</param>
/// <param name="Server">The local address and port the client connected to.</param>
/// <param name="HeloName">The HELO/EHLO argument.</param>
/// <param name="SmtpUtf8">The client asked for SMTPUTF8 (RFC 6531): addresses and headers may be UTF-8.</param>
/// <param name="EightBitMime">The client declared BODY=8BITMIME (RFC 6152).</param>
/// <param name="Tls">The TLS session (STARTTLS or implicit TLS), or null for plain SMTP.</param>
/// <param name="AuthenticatedAs">The identity the client proved with AUTH, or null.</param>
/// <param name="Tags">What the policies attached (<c>AcceptWith</c>: a tenant, a customer id), or null when none did.</param>
/// <param name="Faults">The faults <c>actorsmtp.faults</c> injected on the way to this message, or null when none was.</param>
/// <param name="Authentication">Who really sent it (<c>actorsmtp.authentication</c>, <c>actorsmtp.dnsbl</c>), or null when
/// every check is off. DKIM, DMARC and ARC are known at the end of data: read <see cref="AuthenticationState.Results"/>
/// once the body has ended (before, it holds the SPF and blocklist results only).</param>
public sealed record SmtpEnvelope(
    string MessageId,
    DateTimeOffset ReceivedAt,
    string MailFrom,
    IReadOnlyList<string> RcptTo,
    IPEndPoint Client,
    IPEndPoint Server,
    string HeloName,
    bool SmtpUtf8 = false,
    bool EightBitMime = false,
    TlsInfo? Tls = null,
    string? AuthenticatedAs = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    IReadOnlyList<InjectedFault>? Faults = null,
    AuthenticationState? Authentication = null);
