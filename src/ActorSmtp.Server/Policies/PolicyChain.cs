using Akka.Actor;
using ActorSmtp.Policies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Policies;

/// <summary>
/// The running policies of <c>actorsmtp.policies</c>, grouped by stage in configuration order: a connection asks
/// the links of a stage one after the other, directly (one hop per policy, no actor in between), and the first
/// verdict that is not an accept decides. A stage without links is never asked about: without policies the
/// connection runs as before (<see cref="SessionStages"/> is <see cref="CheckedStages.None"/>).
/// </summary>
public sealed class PolicyChain
{
    private readonly PolicyLink[][] _byStage;

    private PolicyChain(PolicyLink[][] byStage)
    {
        _byStage = byStage;
        SessionStages = (Has(PolicyStage.Helo) ? CheckedStages.Helo : 0)
                        | (Has(PolicyStage.MailFrom) ? CheckedStages.MailFrom : 0)
                        | (Has(PolicyStage.RcptTo) ? CheckedStages.RcptTo : 0);
    }

    /// <summary>The session commands that wait for a policy.</summary>
    public CheckedStages SessionStages { get; }

    /// <summary>A policy is asked before the greeting.</summary>
    public bool ChecksConnect => Has(PolicyStage.Connect);

    /// <summary>The policies asked at <paramref name="stage"/>, in order.</summary>
    public IReadOnlyList<PolicyLink> For(PolicyStage stage) => _byStage[(int)stage];

    private bool Has(PolicyStage stage) => _byStage[(int)stage].Length > 0;

    /// <summary>
    /// Starts one actor per entry, supervised by the user guardian (a crash restarts it; checks sent meanwhile meet
    /// their timeout). Null when no policy is configured.
    /// </summary>
    /// <param name="sinkOf">The sink a recipient is routed to, for the sinks' own policies (<see cref="PolicySettings.ForSink"/>).</param>
    public static PolicyChain? Start(ActorSystem system, IReadOnlyList<PolicySettings> policies, string name, Func<string, string> sinkOf)
    {
        if (policies.Count == 0)
            return null;
        var links = policies.Select((policy, i) =>
            (Policy: policy, Link: new PolicyLink(system.ActorOf(policy.Props, $"{name}-policy-{i}"), policy.Name, policy.Timeout, policy.OnTimeout)
            {
                Applies = policy.ForSink is { } sink ? recipient => sinkOf(recipient) == sink : null,
            }))
            .ToArray();
        var byStage = Enum.GetValues<PolicyStage>()
            .Select(stage => links.Where(l => l.Policy.Stages.Contains(stage)).Select(l => l.Link).ToArray())
            .ToArray();
        return new PolicyChain(byStage);
    }
}

/// <summary>One running policy: where to send checks, how long to wait, and what a timeout or failure means.</summary>
public sealed record PolicyLink(IActorRef Actor, string Name, TimeSpan Timeout, PolicyProtocol.Verdict OnTimeout)
{
    /// <summary>Which recipients it is asked about at RCPT (a sink's policy: those routed to the sink); null: all.</summary>
    public Func<string, bool>? Applies { get; init; }
}
