using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Faults;

/// <summary>
/// One rule as the connections run it: its patterns compiled once, and the counters <c>every</c> and <c>times</c>
/// need, shared by every connection (a rule with <c>times = 1</c> fires once for the whole server, not once per client).
/// </summary>
internal sealed class FaultRule(FaultRuleSettings settings)
{
    private readonly AddressPattern? _rcpt = Pattern(settings.When.Rcpt);
    private readonly AddressPattern? _from = Pattern(settings.When.From);
    private readonly AddressPattern? _helo = Pattern(settings.When.Helo);
    private readonly AddressPattern? _user = Pattern(settings.When.User);
    private long _matches;
    private long _fired;

    public FaultRuleSettings Settings { get; } = settings;

    /// <summary>The rule's conditions hold for <paramref name="facts"/>, the header condition aside.</summary>
    public bool MatchesEnvelope(in FaultFacts facts)
    {
        var when = Settings.When;
        if (Settings.Effect.Stage == FaultStage.Bdat && facts.Chunk != Settings.Chunk)
            return false;
        if (when.Client is { } network && !network.Contains(facts.Client.IsIPv4MappedToIPv6 ? facts.Client.MapToIPv4() : facts.Client))
            return false;
        if (_helo is not null && !_helo.Matches(facts.Helo))
            return false;
        if (_user is not null && !_user.Matches(facts.User))
            return false;
        if (_from is not null && !_from.Matches(facts.From))
            return false;
        return _rcpt is null || MatchesRecipient(facts);
    }

    /// <summary>The header condition holds (or there is none).</summary>
    public bool MatchesHeaders(SniffedHeaders? headers)
    {
        if (Settings.When.Header is not { } wanted)
            return true;
        if (headers is null)
            return false;
        foreach (var header in headers.All)
            if (string.Equals(header.Field, wanted.Name, StringComparison.OrdinalIgnoreCase)
                && header.Value.Contains(wanted.Contains, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>
    /// A match: counts it, and says whether the rule fires this time (<c>every</c>, then <c>probability</c>, then
    /// <c>times</c>, so that <c>times</c> counts faults injected, not matches).
    /// </summary>
    public bool TryFire()
    {
        if (Interlocked.Increment(ref _matches) % Settings.Every != 0)
            return false;
        if (Settings.Probability < 1 && Random.Shared.NextDouble() >= Settings.Probability)
            return false;
        return Settings.Times == 0 || Interlocked.Increment(ref _fired) <= Settings.Times;
    }

    private bool MatchesRecipient(in FaultFacts facts)
    {
        if (facts.Recipient is { } recipient)
            return Matches(_rcpt!, recipient);
        if (facts.Recipients is null)
            return false;
        foreach (var each in facts.Recipients)
            if (Matches(_rcpt!, each))
                return true;
        return false;
    }

    private static bool Matches(AddressPattern pattern, Mailbox mailbox) => pattern.Matches(mailbox.ToString());

    private static AddressPattern? Pattern(string? glob) => glob is null ? null : new AddressPattern(glob);
}
