using System.Globalization;

namespace ActorSmtp.LoadTests.Scenarios;

/// One phase of a scenario's load, in NBomber's vocabulary. Written as text:
/// "keep:16:30s", "ramp:1:64:20s", "inject:500:30s".
internal abstract record LoadSimulation(TimeSpan Duration)
{
    /// Closed model: exactly this many sessions, each sending its next message when the previous one is done.
    public sealed record Keep(int Sessions, TimeSpan Duration) : LoadSimulation(Duration);

    /// Closed model: the session count moves linearly from From to To over the duration.
    public sealed record Ramp(int From, int To, TimeSpan Duration) : LoadSimulation(Duration);

    /// Open model: messages start on a fixed schedule whatever the server does,
    /// so queueing shows up in the latency instead of lowering the offered load.
    public sealed record Inject(double PerSecond, TimeSpan Duration) : LoadSimulation(Duration);

    public bool IsOpenModel => this is Inject;

    public static LoadSimulation Parse(string text)
    {
        var parts = text.Split(':', StringSplitOptions.TrimEntries);
        LoadSimulation simulation = (parts[0].ToLowerInvariant(), parts.Length) switch
        {
            ("keep", 3) => new Keep(Count(parts[1]), UnitText.ParseDuration(parts[2])),
            ("ramp", 4) => new Ramp(Count(parts[1]), Count(parts[2]), UnitText.ParseDuration(parts[3])),
            ("inject", 3) => new Inject(Rate(parts[1]), UnitText.ParseDuration(parts[2])),
            _ => throw new FormatException(
                $"'{text}' is not a load simulation; use keep:SESSIONS:DURATION, ramp:FROM:TO:DURATION or inject:PER_SECOND:DURATION"),
        };
        if (simulation.Duration <= TimeSpan.Zero)
            throw new FormatException($"'{text}': the duration must be positive");
        return simulation;
    }

    public sealed override string ToString() => this switch
    {
        Keep k => $"keep:{k.Sessions}:{UnitText.FormatDuration(k.Duration)}",
        Ramp r => $"ramp:{r.From}:{r.To}:{UnitText.FormatDuration(r.Duration)}",
        Inject i => $"inject:{i.PerSecond.ToString(CultureInfo.InvariantCulture)}:{UnitText.FormatDuration(i.Duration)}",
        _ => throw new InvalidOperationException(),
    };

    private static int Count(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000
            ? n
            : throw new FormatException($"'{text}' is not a session count between 0 and 100000");

    private static double Rate(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && r <= 1_000_000
            ? r
            : throw new FormatException($"'{text}' is not a rate between 0 and 1000000 messages per second");
}
