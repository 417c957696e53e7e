using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Server.Configuration;

/// <summary>One rule: where it strikes, what it does, and how often.</summary>
internal static partial class FaultConfiguration
{
    private static readonly string[] RuleKeys =
        ["name", "when", "at", "action", "reply", "for", "rate", "after", "chunk", "after-store", "probability", "every", "times"];

    // A fault holds a connection at most this long: a typo of "90m" for "90s" should not park senders for days.
    private static readonly TimeSpan LongestFor = TimeSpan.FromHours(1);

    private const int FastestRate = 1_000_000;

    private const int MaxName = 100;

    private static FaultRuleSettings Rule(HoconValue item, string path, string defaultName, bool loopbackOnly, bool allowGlobal)
    {
        if (!item.IsObject())
            throw new SettingsException(path, "must be a block { ... }");
        CheckKeys(item, path, RuleKeys);
        var rule = new ConfigReader(new Config(new HoconRoot(item)), path);
        var name = Has(rule, "name") ? rule.String("name") : defaultName;
        // A reply without a text of its own names the rule, on the wire: printable ASCII only (RFC 5321 §4.2).
        if (name.Length is 0 or > MaxName || name.AsSpan().ContainsAnyExceptInRange(' ', '~'))
            throw new SettingsException(rule.Key("name"), $"must be 1 to {MaxName} printable ASCII characters");
        var stage = Stage(rule);
        var when = When(rule, stage);
        if (when.IsEmpty && !loopbackOnly && !allowGlobal)
            throw new SettingsException(rule.Key("when"),
                "matches every client while a listener is not on loopback: add a matcher, or set actorsmtp.faults.allow-global = on");
        return new FaultRuleSettings(name, when, Effect(rule, stage, name),
            After: Has(rule, "after") ? OnlyAt(rule, "after", stage, FaultStage.Body).Bytes("after", min: 0) : 0,
            Chunk: Has(rule, "chunk") ? OnlyAt(rule, "chunk", stage, FaultStage.Bdat).Int("chunk", min: 1) : 1,
            Probability: Has(rule, "probability") ? Probability(rule) : 1,
            Every: Has(rule, "every") ? rule.Int("every", min: 1) : 1,
            Times: Has(rule, "times") ? rule.Int("times", min: 0) : 0);
    }

    private static FaultStage Stage(ConfigReader rule)
    {
        var at = rule.String("at");
        return FaultNames.Stages.TryGetValue(at, out var stage) ? stage
            : throw new SettingsException(rule.Key("at"), $"must be one of {string.Join(", ", FaultNames.Stages.Keys)}, not '{at}'");
    }

    private static FaultEffect Effect(ConfigReader rule, FaultStage stage, string name)
    {
        var action = Action(rule);
        if (action is FaultAction.StoreThenDisconnect or FaultAction.StoreThenReply && stage != FaultStage.EndOfData)
            throw new SettingsException(rule.Key("action"), $"{FaultNames.Of(action)} is only at end-of-data (there is no message to store before it)");
        var reply = Reply(rule, action, stage, name);
        var afterStore = Has(rule, "after-store") && OnlyAt(rule, "after-store", stage, FaultStage.EndOfData).Bool("after-store");
        // One way to say each thing: a reply or a disconnect after the store is what the store-then actions are.
        if (afterStore)
            action = action switch { FaultAction.Reply => FaultAction.StoreThenReply, FaultAction.Disconnect => FaultAction.StoreThenDisconnect, _ => action };
        afterStore |= action is FaultAction.StoreThenDisconnect or FaultAction.StoreThenReply;
        return new FaultEffect(stage, action, reply, For(rule, action), Rate(rule, action), afterStore);
    }

    private static FaultAction Action(ConfigReader rule)
    {
        if (!Has(rule, "action"))
            return Has(rule, "reply") ? FaultAction.Reply
                : throw new SettingsException(rule.Key("action"), $"missing: one of {string.Join(", ", FaultNames.Actions.Keys)} (or just a reply)");
        var text = rule.String("action");
        return FaultNames.Actions.TryGetValue(text, out var action) ? action
            : throw new SettingsException(rule.Key("action"), $"must be one of {string.Join(", ", FaultNames.Actions.Keys)}, not '{text}'");
    }

    /// <summary>Required for reply, optional for store-then-reply; any other action answers nothing of its own.</summary>
    private static SmtpReply? Reply(ConfigReader rule, FaultAction action, FaultStage stage, string name)
    {
        if (!Has(rule, "reply"))
            return action switch
            {
                FaultAction.Reply => throw new SettingsException(rule.Key("reply"), "missing: action reply needs one, such as \"451 4.3.0 Try again later\""),
                FaultAction.StoreThenReply => FaultReplyText.StoreThenReplyDefault,
                _ => null,
            };
        if (action is not (FaultAction.Reply or FaultAction.StoreThenReply))
            throw new SettingsException(rule.Key("reply"), $"is only for action reply or store-then-reply, not {FaultNames.Of(action)}");
        return FaultReplyText.Parse(rule.String("reply"), name, stage == FaultStage.Connect, out var problem)
            ?? throw new SettingsException(rule.Key("reply"), problem!);
    }

    /// <summary>Required for delay; optional for stall (none: until the session's own deadline ends it).</summary>
    private static TimeSpan? For(ConfigReader rule, FaultAction action)
    {
        if (!Has(rule, "for"))
            return action == FaultAction.Delay ? throw new SettingsException(rule.Key("for"), "missing: action delay needs how long, such as for = 2s") : null;
        if (action is not (FaultAction.Delay or FaultAction.Stall))
            throw new SettingsException(rule.Key("for"), $"is only for action delay or stall, not {FaultNames.Of(action)}");
        var duration = rule.Duration("for", TimeSpan.Zero);
        return duration > TimeSpan.Zero && duration <= LongestFor ? duration
            : throw new SettingsException(rule.Key("for"), $"must be more than 0 and at most 1h, not {duration}");
    }

    private static int Rate(ConfigReader rule, FaultAction action)
    {
        if (!Has(rule, "rate"))
            return action == FaultAction.Slow ? throw new SettingsException(rule.Key("rate"), "missing: action slow needs bytes per second, such as rate = 100") : 0;
        return action == FaultAction.Slow ? rule.Int("rate", min: 1, max: FastestRate)
            : throw new SettingsException(rule.Key("rate"), $"is only for action slow, not {FaultNames.Of(action)}");
    }

    private static double Probability(ConfigReader rule)
    {
        var probability = rule.Double("probability", 0, 1);
        return probability > 0 ? probability : throw new SettingsException(rule.Key("probability"), "must be more than 0 (leave the rule out to never fire it)");
    }

    /// <summary><paramref name="rule"/>, when <paramref name="key"/> is one <paramref name="stage"/> has; else the error saying where it belongs.</summary>
    private static ConfigReader OnlyAt(ConfigReader rule, string key, FaultStage stage, FaultStage only) =>
        stage == only ? rule : throw new SettingsException(rule.Key(key), $"is only at {FaultNames.Of(only)}, not at {FaultNames.Of(stage)}");

    private static bool Has(ConfigReader reader, string key) => reader.Config.HasPath(key);
}
