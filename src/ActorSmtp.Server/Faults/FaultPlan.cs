using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Faults;

/// <summary>
/// The rules in force, grouped by stage: an immutable snapshot, replaced whole when the rules change at run time
/// (<see cref="FaultBook"/>), so a connection reads one reference per stage and never a list being edited.
/// </summary>
internal sealed class FaultPlan
{
    private static readonly FaultRule[] None = [];
    private readonly FaultRule[][] _byStage;

    public FaultPlan(IReadOnlyList<FaultRuleSettings> rules, string tagPrefix)
    {
        Rules = rules;
        TagPrefix = tagPrefix;
        _byStage = Enum.GetValues<FaultStage>()
            .Select(stage => rules.Where(r => r.Effect.Stage == stage).Select(r => new FaultRule(r)).ToArray() is { Length: > 0 } some ? some : None)
            .ToArray();
    }

    /// <summary>The rules as configured, in order.</summary>
    public IReadOnlyList<FaultRuleSettings> Rules { get; }

    /// <summary>The prefix of recipient tags; "" when tags are off.</summary>
    public string TagPrefix { get; }

    /// <summary>The first rule of <paramref name="stage"/> that matches <paramref name="facts"/> and fires; null for none.</summary>
    public FaultRuleSettings? Fire(FaultStage stage, in FaultFacts facts)
    {
        foreach (var rule in _byStage[(int)stage])
            if (rule.MatchesEnvelope(facts) && rule.MatchesHeaders(facts.Headers) && rule.TryFire())
                return rule.Settings;
        return null;
    }

    /// <summary>
    /// The body stage strikes after some octets, when the header condition may only be known later: the first rule whose
    /// other conditions hold now is armed at the start of data, and fires (<see cref="FaultRule.TryFire"/>) only once
    /// its octets and headers are in.
    /// </summary>
    public FaultRule? ArmBody(in FaultFacts facts)
    {
        foreach (var rule in _byStage[(int)FaultStage.Body])
            if (rule.MatchesEnvelope(facts))
                return rule;
        return null;
    }
}
