using System.Net;
using ActorSmtp.Dns;
using ActorSmtp.MessageAuthentication.Arc;
using ActorSmtp.MessageAuthentication.Dkim;
using ActorSmtp.MessageAuthentication.Dmarc;
using ActorSmtp.MessageAuthentication.Dnsbl;
using ActorSmtp.MessageAuthentication.Spf;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.SenderAuthentication;

/// <summary>
/// The checks of <c>actorsmtp.authentication</c> and <c>actorsmtp.dnsbl</c>, shared by every connection: made only
/// when one is on (a connection holds a null otherwise and pays nothing). Each runs off the actor, on the one
/// resolver; the connection pipes the answer back. A DNS failure is a temperror result, never an exception: the
/// answers never fail, whatever DNS does, and a check that outlives its bound is a temperror too.
/// </summary>
internal sealed class SenderChecks
{
    private readonly AuthenticationSettings _settings;
    private readonly IDnsLookup _dns;
    private readonly IReadOnlyList<IPNetwork> _trusted;
    private readonly SpfEvaluator? _spf;
    private readonly DmarcEvaluator? _dmarc;
    private readonly DnsblChecker? _dnsbl;
    private readonly TimeSpan _bound;

    public SenderChecks(AuthenticationSettings settings, IDnsLookup dns, string hostname, IReadOnlyList<IPNetwork> trusted)
    {
        _settings = settings;
        _dns = dns;
        _trusted = trusted;
        Hostname = hostname;
        _spf = settings.Spf ? new SpfEvaluator(dns) : null;
        _dmarc = settings.Dmarc ? new DmarcEvaluator(dns, PublicSuffixList.Shipped) : null;
        _dnsbl = settings.Dnsbl.Count > 0
            ? new DnsblChecker(dns, [.. settings.Dnsbl.Select(z => new DnsblZone(z.Zone, z.Reply, z.Weight))], settings.DnsblThreshold)
            : null;
        // Every lookup is bounded by the resolver (timeout × attempts); SPF may chain ten of them, DKIM one per signature.
        _bound = settings.Dns.Timeout * settings.Dns.Attempts * 12 + TimeSpan.FromSeconds(1);
    }

    public AuthenticationSettings Settings => _settings;

    /// <summary>The authserv-id of our Authentication-Results header: the server's hostname.</summary>
    public string Hostname { get; }

    public bool Spf => _spf is not null;

    /// <summary>The client is looked up in the blocklists (some are configured, and it is not in trusted-networks).</summary>
    public bool ChecksClient(IPAddress client) => _dnsbl is not null && !ProtectionSettings.Contains(_trusted, client);

    public async Task<ClientChecked> CheckClientAsync(IPAddress client)
    {
        using var bound = new CancellationTokenSource(_bound);
        // Out of time or a fault of the check's own: not listed as far as anyone knows, never blocked.
        var check = await Guarded(() => _dnsbl!.CheckAsync(client, bound.Token),
            _ => new DnsblCheck(false, 0, [], [.. _settings.Dnsbl.Select(z => z.Zone)])).ConfigureAwait(false);
        Count("dnsbl", check.Blocked ? "blocked" : check.Listings.Count > 0 ? "listed" : check.TempErrors is { Count: > 0 } ? "temperror" : "none");
        var refusal = check.Blocked ? _settings.Dnsbl.First(z => z.Zone == check.Listings[0].Zone).ReplyFor(client) : null;
        return new ClientChecked(check, refusal);
    }

    public async Task<SenderChecked> CheckSenderAsync(long transaction, IPAddress client, string? mailFrom, string helo)
    {
        using var bound = new CancellationTokenSource(_bound);
        var check = await Guarded(() => _spf!.CheckAsync(new SpfRequest(client, mailFrom, helo, Hostname), bound.Token),
            reason => new SpfCheck(SpfResult.TempError, string.IsNullOrEmpty(mailFrom) ? "helo" : "mailfrom", Domain(mailFrom) ?? helo, reason)).ConfigureAwait(false);
        Count("spf", Name(check.Result));
        var refusal = _settings.RejectSpfFail && check.Result == SpfResult.Fail
            ? SmtpReply.Create(550, "5.7.23", $"SPF validation failed for {check.Domain}: {check.Reason ?? "fail"}".Replace("\r", "").Replace("\n", ""))
            : null;
        return new SenderChecked(transaction, check, refusal);
    }

    /// <summary>The DKIM verification of one message, when dkim is on.</summary>
    public DkimVerification? NewVerification(int maxHeaderBytes) =>
        _settings.Dkim || _settings.Dmarc ? new DkimVerification(_dns, maxHeaderBytes) : null;

    /// <summary>DKIM, DMARC (and ARC) at the end of data, after what was known before it; each on its own: one that fails is a temperror, the others still count.</summary>
    public async Task<MessageVerified> CompleteAsync(string messageId, AuthenticationResults known, DkimVerification? dkim, string? fromDomain, ArcValidation? arc)
    {
        using var bound = new CancellationTokenSource(_bound);
        var results = known;
        if (dkim is not null)
        {
            using (dkim)
                results = results with { Dkim = await Guarded(() => dkim.CompleteAsync(bound.Token),
                    reason => [new DkimCheck(DkimResult.TempError, "", "", null, reason)]).ConfigureAwait(false) };
        }
        if (_dmarc is not null)
            results = results with { Dmarc = await Guarded(() => _dmarc.CheckAsync(new DmarcRequest(fromDomain, results.Spf, results.Dkim ?? []), bound.Token),
                reason => new DmarcCheck(DmarcResult.TempError, fromDomain ?? "", null, DmarcPolicy.None, false, false, reason)).ConfigureAwait(false) };
        if (arc is not null)
            results = results with { Arc = await Guarded(() => arc.VerifyAsync(_dns, bound.Token), reason => new ArcCheck(ArcResult.None, 0, reason)).ConfigureAwait(false) };
        foreach (var check in results.Dkim ?? [])
            Count("dkim", Name(check.Result));
        if (results.Dmarc is { } dmarc)
            Count("dmarc", Name(dmarc.Result));
        if (results.Arc is { } arcCheck)
            Count("arc", Name(arcCheck.Result));
        return new MessageVerified(messageId, results, Refusal(results.Dmarc));
    }

    /// <summary>
    /// A check that outlives the bound, or fails on its own, is a temperror (RFC 7208 §2.6.6's "try again later"): never a
    /// pass, and never an exception that would leave the connection waiting.
    /// </summary>
    private static async Task<T> Guarded<T>(Func<ValueTask<T>> check, Func<string, T> failed)
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return failed(Why(e));
        }
    }

    /// <summary>dmarc-reject = reject: a failure under p=reject (after pct) is refused, and nothing is stored.</summary>
    private SmtpReply? Refusal(DmarcCheck? dmarc) =>
        _settings.RejectDmarc && dmarc is { Result: DmarcResult.Fail, Policy: DmarcPolicy.Reject }
            ? SmtpReply.Create(550, "5.7.1", $"Message rejected: DMARC policy of {dmarc.FromDomain} (p=reject)")
            : null;

    /// <summary>dmarc-quarantine = tag: the tag a failure under p=quarantine adds to the envelope.</summary>
    public bool Quarantines(DmarcCheck? dmarc) =>
        _settings.TagDmarcQuarantine && dmarc is { Result: DmarcResult.Fail, Policy: DmarcPolicy.Quarantine };

    private static string Why(Exception e) => e is OperationCanceledException ? "DNS did not answer in time" : "check failed: " + e.GetType().Name;

    private static string? Domain(string? address) => address?.LastIndexOf('@') is int at and >= 0 ? address[(at + 1)..] : null;

    internal static string Name<TEnum>(TEnum result) where TEnum : struct, Enum => result.ToString().ToLowerInvariant();

    private static void Count(string method, string result) =>
        Telemetry.SmtpMetrics.AuthResults.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));
}

/// <param name="Refusal">The blocklists' reply when the client is blocked.</param>
internal sealed record ClientChecked(DnsblCheck Check, SmtpReply? Refusal);

/// <param name="Transaction">Which MAIL FROM it answers (a late answer for an earlier one is ignored).</param>
/// <param name="Refusal">550 5.7.23 when spf-fail = reject and SPF failed.</param>
internal sealed record SenderChecked(long Transaction, SpfCheck Check, SmtpReply? Refusal);

/// <param name="Refusal">550 5.7.1 when dmarc-reject = reject and DMARC failed under p=reject.</param>
internal sealed record MessageVerified(string MessageId, AuthenticationResults Results, SmtpReply? Refusal);
