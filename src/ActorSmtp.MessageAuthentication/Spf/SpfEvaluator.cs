using System.Net;
using System.Net.Sockets;
using ActorSmtp.Dns;
using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Spf;

/// <summary>
/// check_host() of RFC 7208 §4 over the server's resolver: record selection (§4.5), the mechanisms of §5 in order,
/// redirect and exp (§6), macros (§7), and the limits of §4.6.4 (ten DNS-querying terms, two void lookups). A DNS
/// failure is temperror (§2.6.6), never a pass; a record in error is permerror.
/// </summary>
public sealed class SpfEvaluator(IDnsLookup dns)
{
    private const int MaxDnsTerms = 10;
    private const int MaxVoidLookups = 2;
    private const int MaxMxRecords = 10;

    /// <summary>The check of the MAIL FROM identity, or of the HELO identity for the null sender (§2.3, §2.4).</summary>
    public async ValueTask<SpfCheck> CheckAsync(SpfRequest request, CancellationToken ct)
    {
        var nullSender = string.IsNullOrEmpty(request.MailFrom);
        var identity = nullSender ? "helo" : "mailfrom";
        var address = nullSender ? "postmaster@" + request.Helo : request.MailFrom!;
        var at = address.LastIndexOf('@');
        var local = at <= 0 ? "postmaster" : address[..at]; // §4.3: no local-part is "postmaster"
        var domain = (at < 0 ? address : address[(at + 1)..]).TrimEnd('.');
        var client = request.Client.IsIPv4MappedToIPv6 ? request.Client.MapToIPv4() : request.Client; // §5: as IPv4
        var context = new SpfContext(dns, client, $"{local}@{domain}", local, domain, domain, request.Helo, request.ReceiverHost);
        var outcome = await CheckHostAsync(context, new Budget(), ct).ConfigureAwait(false);
        return new SpfCheck(outcome.Result, identity, domain, outcome.Reason);
    }

    private sealed class Budget
    {
        public int DnsTerms;
        public int VoidLookups;
    }

    private readonly record struct Outcome(SpfResult Result, string? Reason);

    /// <summary>A mechanism's verdict: matched or not, or an error that ends the evaluation.</summary>
    private readonly record struct Match(bool Matched, Outcome? Error = null)
    {
        public static readonly Match Yes = new(true);
        public static readonly Match No = new(false);

        public static Match Fails(SpfResult result, string reason) => new(false, new Outcome(result, reason));
    }

    private async ValueTask<Outcome> CheckHostAsync(SpfContext context, Budget budget, CancellationToken ct)
    {
        if (!IsDomainName(context.Domain))
            return new Outcome(SpfResult.None, $"'{context.Domain}' is not a domain name"); // §4.3
        var answer = await dns.TxtAsync(context.Domain, ct).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Failed)
            return new Outcome(SpfResult.TempError, $"DNS lookup of {context.Domain} failed: {answer.Error}");
        var records = answer.Records.Where(SpfRecordParser.IsSpfRecord).ToArray();
        if (records.Length == 0)
            return new Outcome(SpfResult.None, $"no SPF record at {context.Domain}");
        if (records.Length > 1)
            return new Outcome(SpfResult.PermError, $"{records.Length} SPF records at {context.Domain}"); // §4.5
        var (record, error) = SpfRecordParser.Parse(records[0]);
        if (record is null)
            return new Outcome(SpfResult.PermError, $"{context.Domain}: {error}");
        return await EvaluateAsync(record, context, budget, ct).ConfigureAwait(false);
    }

    private async ValueTask<Outcome> EvaluateAsync(SpfRecord record, SpfContext context, Budget budget, CancellationToken ct)
    {
        foreach (var mechanism in record.Mechanisms)
        {
            if (mechanism.QueriesDns && ++budget.DnsTerms > MaxDnsTerms)
                return new Outcome(SpfResult.PermError, "more than 10 DNS-querying terms (RFC 7208 §4.6.4)");
            var match = await MatchesAsync(mechanism, context, budget, ct).ConfigureAwait(false);
            if (match.Error is { } stop)
                return stop;
            if (budget.VoidLookups > MaxVoidLookups)
                return new Outcome(SpfResult.PermError, "more than 2 void DNS lookups (RFC 7208 §4.6.4)");
            if (!match.Matched)
                continue;
            var result = Result(mechanism.Qualifier);
            var reason = result == SpfResult.Fail && record.Explanation is { } exp
                ? await ExplanationAsync(exp, context, ct).ConfigureAwait(false)
                : null;
            return new Outcome(result, reason ?? $"{context.Domain}: matched {mechanism.Text}");
        }
        // §6.1: redirect is ignored when the record has "all".
        if (record.Redirect is { } redirect && !record.Mechanisms.Any(m => m.Kind == MechanismKind.All))
            return await RedirectAsync(redirect, context, budget, ct).ConfigureAwait(false);
        return new Outcome(SpfResult.Neutral, $"{context.Domain}: no mechanism matched");
    }

    private async ValueTask<Outcome> RedirectAsync(string redirect, SpfContext context, Budget budget, CancellationToken ct)
    {
        if (++budget.DnsTerms > MaxDnsTerms)
            return new Outcome(SpfResult.PermError, "more than 10 DNS-querying terms (RFC 7208 §4.6.4)");
        var target = await TargetAsync(redirect, context, ct).ConfigureAwait(false);
        if (target is null || !IsDomainName(target))
            return new Outcome(SpfResult.PermError, $"redirect to an invalid domain '{target}'");
        var outcome = await CheckHostAsync(context.At(target), budget, ct).ConfigureAwait(false);
        return outcome.Result == SpfResult.None // §6.1: a redirect to a domain without a record is a permerror
            ? new Outcome(SpfResult.PermError, $"redirect to {target}, which has no SPF record")
            : outcome;
    }

    private async ValueTask<Match> MatchesAsync(Mechanism mechanism, SpfContext context, Budget budget, CancellationToken ct)
    {
        switch (mechanism.Kind)
        {
            case MechanismKind.All:
                return Match.Yes;
            case MechanismKind.Ip4 or MechanismKind.Ip6:
                return new Match(InNetwork(context.Client, mechanism.Network!, mechanism));
            case MechanismKind.Include:
                return await IncludeAsync(mechanism, context, budget, ct).ConfigureAwait(false);
        }
        var target = mechanism.DomainSpec is null ? context.Domain : await TargetAsync(mechanism.DomainSpec, context, ct).ConfigureAwait(false);
        if (target is null)
            return Match.Fails(SpfResult.PermError, $"invalid macro in {mechanism.Text}");
        return mechanism.Kind switch
        {
            MechanismKind.A => Addresses(await dns.AddressesAsync(target, context.Client.AddressFamily, ct).ConfigureAwait(false), mechanism, context, budget),
            MechanismKind.Mx => await MxAsync(target, mechanism, context, budget, ct).ConfigureAwait(false),
            MechanismKind.Ptr => await PtrAsync(target, context, budget, ct).ConfigureAwait(false),
            _ => Exists(await dns.AddressesAsync(target, AddressFamily.InterNetwork, ct).ConfigureAwait(false), target, budget),
        };
    }

    /// <summary>§5.2: the included domain's pass matches; its fail, softfail or neutral do not; its errors are ours.</summary>
    private async ValueTask<Match> IncludeAsync(Mechanism mechanism, SpfContext context, Budget budget, CancellationToken ct)
    {
        var target = await TargetAsync(mechanism.DomainSpec!, context, ct).ConfigureAwait(false);
        if (target is null)
            return Match.Fails(SpfResult.PermError, $"invalid macro in {mechanism.Text}");
        var inner = await CheckHostAsync(context.At(target), budget, ct).ConfigureAwait(false);
        return inner.Result switch
        {
            SpfResult.Pass => Match.Yes,
            SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral => Match.No,
            SpfResult.TempError => new Match(false, inner),
            SpfResult.None => Match.Fails(SpfResult.PermError, $"include:{target} has no SPF record"),
            _ => new Match(false, inner),
        };
    }

    private static Match Addresses(DnsAnswer<IPAddress> answer, Mechanism mechanism, SpfContext context, Budget budget)
    {
        if (answer.Status == DnsStatus.Failed)
            return Match.Fails(SpfResult.TempError, $"DNS lookup for {mechanism.Text} failed: {answer.Error}");
        if (answer.IsVoid)
            budget.VoidLookups++;
        return new Match(answer.Records.Any(address => InNetwork(context.Client, address, mechanism)));
    }

    /// <summary>§5.4: the addresses of the target's MX hosts (at most ten MX records, §4.6.4).</summary>
    private async ValueTask<Match> MxAsync(string target, Mechanism mechanism, SpfContext context, Budget budget, CancellationToken ct)
    {
        var mx = await dns.MxAsync(target, ct).ConfigureAwait(false);
        if (mx.Status == DnsStatus.Failed)
            return Match.Fails(SpfResult.TempError, $"MX lookup of {target} failed: {mx.Error}");
        if (mx.IsVoid)
            budget.VoidLookups++;
        if (mx.Records.Count > MaxMxRecords)
            return Match.Fails(SpfResult.PermError, $"{target} has more than 10 MX records (RFC 7208 §4.6.4)");
        foreach (var host in mx.Records.Where(r => r.Exchange.Length > 0))
        {
            var addresses = await dns.AddressesAsync(host.Exchange, context.Client.AddressFamily, ct).ConfigureAwait(false);
            if (addresses.Status == DnsStatus.Failed)
                return Match.Fails(SpfResult.TempError, $"address lookup of {host.Exchange} failed: {addresses.Error}");
            if (addresses.Records.Any(address => InNetwork(context.Client, address, mechanism)))
                return Match.Yes;
        }
        return Match.No;
    }

    /// <summary>§5.5: a validated PTR name of the client within the target domain (not recommended, but defined).</summary>
    private static async ValueTask<Match> PtrAsync(string target, SpfContext context, Budget budget, CancellationToken ct)
    {
        var ptr = await context.Dns.PtrAsync(context.Client, ct).ConfigureAwait(false);
        if (ptr.IsVoid)
            budget.VoidLookups++;
        if (ptr.Status != DnsStatus.Ok)
            return Match.No; // a DNS error fails to match (§5.5)
        var names = await context.ValidatedNamesAsync(ct).ConfigureAwait(false);
        return new Match(names.Any(n => n.Equals(target, StringComparison.OrdinalIgnoreCase)
            || n.EndsWith("." + target.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>§5.7: any A record of the target matches, whatever the client's address family.</summary>
    private static Match Exists(DnsAnswer<IPAddress> answer, string target, Budget budget)
    {
        if (answer.Status == DnsStatus.Failed)
            return Match.Fails(SpfResult.TempError, $"DNS lookup of {target} failed: {answer.Error}");
        if (answer.IsVoid)
            budget.VoidLookups++;
        return new Match(answer.Records.Count > 0);
    }

    /// <summary>§6.2: the explanation of a fail, when exp= names exactly one TXT record that expands; else none.</summary>
    private async ValueTask<string?> ExplanationAsync(string exp, SpfContext context, CancellationToken ct)
    {
        var target = await TargetAsync(exp, context, ct).ConfigureAwait(false);
        if (target is null || !IsDomainName(target))
            return null;
        var answer = await dns.TxtAsync(target, ct).ConfigureAwait(false);
        return answer is { Status: DnsStatus.Ok, Records.Count: 1 }
            ? await SpfMacro.ExpandAsync(answer.Records[0], context, explanation: true, ct).ConfigureAwait(false)
            : null;
    }

    /// <summary>A domain-spec expanded (§7), at most 253 characters by dropping labels from the left (§4.8).</summary>
    private static async ValueTask<string?> TargetAsync(string spec, SpfContext context, CancellationToken ct)
    {
        var expanded = await SpfMacro.ExpandAsync(spec, context, explanation: false, ct).ConfigureAwait(false);
        if (expanded is null)
            return null;
        expanded = expanded.TrimEnd('.');
        while (expanded.Length > 253 && expanded.IndexOf('.') is var dot and >= 0)
            expanded = expanded[(dot + 1)..];
        return expanded;
    }

    private static bool InNetwork(IPAddress client, IPAddress network, Mechanism mechanism)
    {
        if (client.AddressFamily != network.AddressFamily)
            return false;
        var prefix = client.AddressFamily == AddressFamily.InterNetwork ? mechanism.Prefix4 : mechanism.Prefix6;
        return new IPNetwork(Masked(network, prefix), prefix).Contains(client);
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }

    /// <summary>§4.3: labels of 1 to 63 octets, at most 253 in all, and more than one label.</summary>
    private static bool IsDomainName(string domain)
    {
        var name = domain.TrimEnd('.');
        if (name.Length is 0 or > 253 || !name.Contains('.'))
            return false;
        return name.Split('.').All(label => label.Length is > 0 and <= 63);
    }

    private static SpfResult Result(char qualifier) => qualifier switch
    {
        '-' => SpfResult.Fail,
        '~' => SpfResult.SoftFail,
        '?' => SpfResult.Neutral,
        _ => SpfResult.Pass,
    };
}
