using System.Net;
using ActorSmtp.Sinks;

namespace ActorSmtp.Policies;

/// <summary>The stage of the conversation a <see cref="PolicyProtocol.Check"/> is about.</summary>
public enum PolicyStage
{
    /// <summary>The client connected (its address PROXY-resolved); nothing was said yet, no TLS yet.</summary>
    Connect,
    /// <summary>HELO or EHLO, with its name.</summary>
    Helo,
    /// <summary>MAIL FROM, with the reverse path and its parameters.</summary>
    MailFrom,
    /// <summary>RCPT TO, one recipient, with the transaction so far.</summary>
    RcptTo,
}

/// <summary>
/// The messages between a connection and a <see cref="PolicyActor"/>. A connection sends one <see cref="Check"/>
/// per policy and stage and waits for its <see cref="Answer"/> (the base class sends it) before it replies to the
/// command: the first verdict that is not an accept becomes the client's reply.
/// </summary>
public static class PolicyProtocol
{
    /// <summary>What is known at <see cref="Stage"/>.</summary>
    /// <param name="Id">Ties the <see cref="Answer"/> to this check.</param>
    /// <param name="Client">The client's address (the PROXY header's source when there is one).</param>
    /// <param name="Server">The local address the client reached.</param>
    /// <param name="HeloName">The HELO/EHLO name; at <see cref="PolicyStage.Helo"/> the one being checked.</param>
    /// <param name="MailFrom">The reverse path ("" for the null sender &lt;&gt;), from <see cref="PolicyStage.MailFrom"/> on.</param>
    /// <param name="Parameters">MAIL FROM's parameters as the client sent them ("SIZE=1000 BODY=8BITMIME"), or "".</param>
    /// <param name="Recipient">At <see cref="PolicyStage.RcptTo"/>: the recipient being checked.</param>
    /// <param name="Recipients">The recipients accepted so far in this transaction.</param>
    /// <param name="AuthenticatedAs">The identity AUTH proved, or null.</param>
    /// <param name="Tls">The TLS session, or null in plain text.</param>
    /// <param name="Tags">The tags earlier verdicts of this session and transaction attached.</param>
    /// <param name="Authentication">The SPF result (from MAIL on) and the blocklist lookups of <c>actorsmtp.authentication</c>
    /// and <c>actorsmtp.dnsbl</c>; null when neither is on.</param>
    public sealed record Check(
        long Id,
        PolicyStage Stage,
        IPEndPoint Client,
        IPEndPoint Server,
        string? HeloName = null,
        string? MailFrom = null,
        string Parameters = "",
        string? Recipient = null,
        IReadOnlyList<string>? Recipients = null,
        string? AuthenticatedAs = null,
        TlsInfo? Tls = null,
        IReadOnlyDictionary<string, string>? Tags = null,
        AuthenticationResults? Authentication = null);

    /// <summary>A policy's decision about one check.</summary>
    public abstract record Verdict;

    /// <summary>Go on: the next policy decides, or the command is accepted.</summary>
    public sealed record Accept : Verdict
    {
        public static readonly Accept Instance = new();

        private Accept()
        {
        }
    }

    /// <summary>
    /// Accept, and attach <paramref name="Tags"/> (for example the tenant a recipient maps to): they go into the
    /// envelope's <c>tags</c>, in the stored <c>.json</c>, and to the sink. A later tag of the same name wins.
    /// </summary>
    public sealed record AcceptWith(IReadOnlyDictionary<string, string> Tags) : Verdict;

    /// <summary>Refuse for good: a 5xx reply (<c>550 5.1.1 …</c>). At connect the code is sent as 554 (RFC 5321 §3.1).</summary>
    public sealed record Reject(int Code, string EnhancedCode, string Text) : Verdict;

    /// <summary>Refuse for now: a 4xx reply; the client tries again later. At connect the code is sent as 421.</summary>
    public sealed record Defer(int Code = 451, string EnhancedCode = "4.3.0", string Text = "Try again later") : Verdict;

    /// <summary>The answer to check <paramref name="CheckId"/>; a null verdict says the policy failed (its on-timeout answer applies).</summary>
    public sealed record Answer(long CheckId, Verdict? Verdict);
}
