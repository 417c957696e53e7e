using Akka.Configuration.Hocon;

namespace ActorSmtp.Server.Configuration;

/// <summary>A rule's matchers (<c>when</c>): each must be known at the rule's stage, or the rule could never fire.</summary>
internal static partial class FaultConfiguration
{
    private static readonly string[] WhenKeys = ["rcpt", "from", "helo", "user", "client", "header"];

    private static readonly string[] HeaderKeys = ["name", "contains"];

    private static FaultConditions When(ConfigReader rule, FaultStage stage)
    {
        if (!Has(rule, "when"))
            return FaultConditions.Any;
        var block = rule.Config.GetValue("when");
        if (!block.IsObject())
            throw new SettingsException(rule.Key("when"), "must be a block { ... }");
        CheckKeys(block, rule.Key("when"), WhenKeys);
        var when = rule.Section("when");
        return new FaultConditions(
            Rcpt: Pattern(when, "rcpt", stage, FaultStage.Rcpt, "a recipient"),
            From: Pattern(when, "from", stage, FaultStage.Mail, "the reverse path"),
            Client: Client(when),
            Helo: Pattern(when, "helo", stage, FaultStage.Helo, "the HELO name"),
            User: Pattern(when, "user", stage, FaultStage.Auth, "the AUTH identity"),
            Header: Header(when, stage));
    }

    /// <summary>A glob (* and ?); null when the matcher is not given.</summary>
    private static string? Pattern(ConfigReader when, string key, FaultStage stage, FaultStage knownFrom, string what)
    {
        if (!Has(when, key))
            return null;
        // Stage order is session order: STARTTLS and AUTH come after HELO, the body and BDAT after DATA.
        if (stage < knownFrom)
            throw new SettingsException(when.Key(key), $"{what} is known from {FaultNames.Of(knownFrom)} on, not at {FaultNames.Of(stage)}");
        var pattern = when.String(key);
        return pattern.Length > 0 ? pattern : throw new SettingsException(when.Key(key), "must not be empty (leave it out to match anything)");
    }

    /// <summary>The client's network: known at every stage (it is the socket's, or the PROXY header's).</summary>
    private static System.Net.IPNetwork? Client(ConfigReader when)
    {
        if (!Has(when, "client"))
            return null;
        var text = when.String("client").Trim();
        return ProtectionSettings.TryParseNetwork(text, out var network) ? network
            : throw new SettingsException(when.Key("client"), $"'{text}' is not an IP address or a CIDR network such as 10.0.0.0/8");
    }

    /// <summary>Headers are known once they have arrived: in the body, and at its end (not per BDAT chunk, which may split them).</summary>
    private static HeaderCondition? Header(ConfigReader when, FaultStage stage)
    {
        if (!Has(when, "header"))
            return null;
        if (stage is not (FaultStage.Body or FaultStage.EndOfData))
            throw new SettingsException(when.Key("header"), $"a header is known at body and end-of-data only, not at {FaultNames.Of(stage)}");
        var block = when.Config.GetValue("header");
        if (!block.IsObject())
            throw new SettingsException(when.Key("header"), "must be a block { name = \"Subject\", contains = \"...\" }");
        CheckKeys(block, when.Key("header"), HeaderKeys);
        var header = when.Section("header");
        var name = header.String("name");
        // RFC 5322 §2.2: a field name is printable ASCII without the colon.
        if (name.Length == 0 || name.Any(c => c is <= ' ' or > '~' or ':'))
            throw new SettingsException(header.Key("name"), $"must be a header field name such as Subject, not '{name}'");
        var contains = header.String("contains");
        return contains.Length > 0 ? new HeaderCondition(name, contains)
            : throw new SettingsException(header.Key("contains"), "must not be empty");
    }
}
