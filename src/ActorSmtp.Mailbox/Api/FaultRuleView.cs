using System.Text.Json.Serialization;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Faults;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// One fault rule as <c>GET /api/v1/faults</c> shows it: the keys of <c>actorsmtp.faults.rules</c> (kebab-case, as in
/// HOCON), so what GET returns is what PUT takes. Defaults are left out.
/// </summary>
internal sealed record FaultRuleView(
    string Name,
    string At,
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reply,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? For,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Rate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long After,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Chunk,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool AfterStore,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Probability,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Every,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Times,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaultRuleView.Conditions? When)
{
    public static FaultRuleView Of(FaultRuleSettings rule)
    {
        var effect = rule.Effect;
        var storeThen = effect.Action is FaultAction.StoreThenDisconnect or FaultAction.StoreThenReply;
        return new FaultRuleView(rule.Name, FaultNames.Of(effect.Stage), FaultNames.Of(effect.Action), effect.Reply?.ToString(),
            effect.For is { } duration ? FaultNames.Of(duration) : null, effect.Rate, rule.After,
            effect.Stage == FaultStage.Bdat ? rule.Chunk : null, effect.AfterStore && !storeThen,
            rule.Probability < 1 ? rule.Probability : null, rule.Every > 1 ? rule.Every : null, rule.Times,
            rule.When.IsEmpty ? null : Conditions.Of(rule.When));
    }

    /// <summary><c>when</c>: the matchers a rule has.</summary>
    internal sealed record Conditions(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rcpt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? From,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Client,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Helo,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? User,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HeaderCondition? Header)
    {
        public static Conditions Of(FaultConditions when) =>
            new(when.Rcpt, when.From, when.Client?.ToString(), when.Helo, when.User, when.Header);
    }
}

/// <summary>What <c>GET /api/v1/faults</c> answers: whether faults are on, the tag prefix, and the rules in force.</summary>
internal sealed record FaultsView(bool Enabled, string TagPrefix, bool AllowGlobal, IReadOnlyList<FaultRuleView> Rules)
{
    public static FaultsView Of(FaultBook? book) => book is null
        ? new FaultsView(false, "", false, [])
        : new FaultsView(true, book.Settings.TagPrefix, book.Settings.AllowGlobal, book.Rules.Select(FaultRuleView.Of).ToArray());
}
