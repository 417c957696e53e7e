namespace ActorSmtp.LoadTests.Scenarios;

/// A scenario's phases laid end to end on one timeline.
/// A plan is either closed (keep/ramp: a number of sessions) or open (inject: a rate);
/// mixing them in one scenario would make "latency" mean two different things.
internal sealed class LoadPlan
{
    private readonly IReadOnlyList<LoadSimulation> _phases;

    public LoadPlan(IReadOnlyList<LoadSimulation> phases)
    {
        if (phases.Count == 0)
            throw new ArgumentException("a scenario needs at least one load simulation");
        IsOpenModel = phases[0].IsOpenModel;
        if (phases.Any(p => p.IsOpenModel != IsOpenModel))
            throw new ArgumentException("a scenario cannot mix inject with keep/ramp; split it into two scenarios");
        _phases = phases;
        Duration = phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
    }

    public bool IsOpenModel { get; }

    public TimeSpan Duration { get; }

    /// The most sessions any closed phase asks for.
    public int PeakSessions => _phases.Max(p => p switch
    {
        LoadSimulation.Keep k => k.Sessions,
        LoadSimulation.Ramp r => Math.Max(r.From, r.To),
        _ => 0,
    });

    /// Closed model: how many sessions should be running at this point; 0 after the end.
    public int SessionsAt(TimeSpan elapsed) => PhaseAt(elapsed) switch
    {
        (LoadSimulation.Keep k, _) => k.Sessions,
        (LoadSimulation.Ramp r, var into) =>
            (int)Math.Round(r.From + (r.To - r.From) * (into / r.Duration), MidpointRounding.AwayFromZero),
        _ => 0,
    };

    /// Open model: messages per second due at this point; 0 after the end.
    public double RateAt(TimeSpan elapsed) => PhaseAt(elapsed) is (LoadSimulation.Inject i, _) ? i.PerSecond : 0;

    public override string ToString() => string.Join(" then ", _phases);

    private (LoadSimulation? Phase, TimeSpan Into) PhaseAt(TimeSpan elapsed)
    {
        var start = TimeSpan.Zero;
        foreach (var phase in _phases)
        {
            if (elapsed < start + phase.Duration)
                return (phase, elapsed - start);
            start += phase.Duration;
        }
        return (null, TimeSpan.Zero);
    }
}
