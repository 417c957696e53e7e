using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Faults;

/// <summary>
/// The fault rules of a running server: those of <c>actorsmtp.faults.rules</c> at start, replaced at run time through
/// <c>PUT /api/v1/faults</c> (validated by the same reader as HOCON). Exists only when <c>actorsmtp.faults.enabled = on</c>:
/// with faults off the connections hold none and check nothing.
/// </summary>
public sealed class FaultBook
{
    private readonly bool _loopbackOnly;
    private FaultPlan _current;

    /// <param name="loopbackOnly">Every listener is on loopback: rules without a matcher need no <c>allow-global</c>.</param>
    internal FaultBook(FaultSettings settings, bool loopbackOnly)
    {
        Settings = settings;
        _loopbackOnly = loopbackOnly;
        _current = new FaultPlan(settings.Rules, settings.TagPrefix);
    }

    /// <summary>The rules in force now, as the connections run them.</summary>
    internal FaultPlan Current => Volatile.Read(ref _current);

    /// <summary>The rules in force now, as configured.</summary>
    public IReadOnlyList<FaultRuleSettings> Rules => Current.Rules;

    /// <summary>As configured at start (<c>actorsmtp.faults</c>); its rules are those of the start only.</summary>
    public FaultSettings Settings { get; }

    /// <summary>Replaces every rule (the counters of <c>every</c> and <c>times</c> start over).</summary>
    public void Replace(IReadOnlyList<FaultRuleSettings> rules) => Volatile.Write(ref _current, new FaultPlan(rules, Settings.TagPrefix));

    /// <summary>
    /// Reads a rule list as the API receives it (<c>{"rules": [...]}</c>) and puts it in force.
    /// </summary>
    /// <exception cref="SettingsException">A rule is invalid: the key names it ("rules[0].at").</exception>
    public IReadOnlyList<FaultRuleSettings> Replace(string text)
    {
        var rules = FaultConfiguration.ParseRules(text, _loopbackOnly, Settings.AllowGlobal);
        Replace(rules);
        return rules;
    }
}
