using Akka.Configuration;
using ActorSmtp.Policies;
using ActorSmtp.Sinks;

namespace ActorSmtp.Samples.TenantPolicy;

/// <summary>
/// A multi-tenant inbound tier's RCPT check: each recipient domain belongs to a tenant; a recipient of a domain no
/// tenant owns is refused (550 5.1.2, RFC 3463: bad destination system), and an accepted one carries its tenant as
/// the tag <c>tenant</c>, into the stored envelope and to the sink (which may file it per tenant). A transaction
/// stays with one tenant: a recipient of another gets 452 4.5.3, so the client sends it in its next transaction
/// (RFC 5321 §4.5.3.1.10), and each message is one tenant's.
/// </summary>
/// <remarks>
/// <c>{ type = "ActorSmtp.Samples.TenantPolicy.TenantPolicy, ActorSmtp.Samples.TenantPolicy", tenants { acme = ["acme.example",
/// "acme-corp.example"], globex = ["globex.example"] } }</c>. Lookups are in memory, so every verdict is ready at once:
/// the base class answers without a continuation.
/// </remarks>
[ConfigKeys("tenants")]
[PolicyStages(PolicyStage.RcptTo)]
public sealed class TenantPolicy(Config config) : PolicyActor, IValidatesConfig
{
    private readonly IReadOnlyDictionary<string, string> _tenantOf = TenantsByDomain(config);

    public static void ValidateConfig(Config config)
    {
        if (TenantsByDomain(config).Count == 0)
            throw new ConfigurationException("`tenants` names no domain: every recipient would be refused");
    }

    protected override ValueTask<PolicyProtocol.Verdict> CheckAsync(PolicyProtocol.Check check) => ValueTask.FromResult(Decide(check));

    private PolicyProtocol.Verdict Decide(PolicyProtocol.Check check)
    {
        var recipient = check.Recipient ?? "";
        var domain = recipient[(recipient.LastIndexOf('@') + 1)..];
        if (!_tenantOf.TryGetValue(domain, out var tenant))
            return new PolicyProtocol.Reject(550, "5.1.2", $"<{recipient}>: no tenant receives mail for {domain}");
        if (check.Tags?.GetValueOrDefault("tenant") is { } current && current != tenant)
            return new PolicyProtocol.Defer(452, "4.5.3", "One tenant per message: send this recipient in a new transaction");
        return new PolicyProtocol.AcceptWith(new Dictionary<string, string> { ["tenant"] = tenant });
    }

    private static Dictionary<string, string> TenantsByDomain(Config config)
    {
        var tenants = config.GetConfig("tenants");
        var byDomain = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (tenants is null || tenants.IsEmpty)
            return byDomain;
        foreach (var (tenant, _) in tenants.AsEnumerable().Select(e => (e.Key.Split('.')[0], e.Value)).Distinct())
            foreach (var domain in tenants.GetStringList(tenant))
                byDomain[domain] = tenant;
        return byDomain;
    }
}
