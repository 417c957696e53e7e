using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// A circuit breaker over one sink's answers (pure; the caller supplies the clock). Closed: every message
/// goes to the sink. Open: none does, clients get 451 at once. After the reset timeout one message is let
/// through as a trial; its outcome closes or reopens the circuit.
/// </summary>
internal sealed class SinkCircuit(CircuitBreakerSettings settings)
{
    private int _failures;
    private DateTime _openUntil;
    private bool _trialInFlight;

    public bool IsOpen => _failures >= settings.MaxFailures && settings.MaxFailures > 0;

    /// <summary>True if a message may go to the sink now (in the open state: only the one trial after the reset timeout).</summary>
    public bool Allows(DateTime now)
    {
        if (!IsOpen)
            return true;
        if (_trialInFlight || now < _openUntil)
            return false;
        _trialInFlight = true;
        return true;
    }

    /// <summary>The sink answered (stored or refused deliberately); returns true if this closed the circuit.</summary>
    public bool Succeeded()
    {
        var wasOpen = IsOpen;
        _failures = 0;
        _trialInFlight = false;
        return wasOpen;
    }

    /// <summary>
    /// The client broke its transaction off (<see cref="ActorSmtp.Sinks.SinkProtocol.Abandoned"/>): neither a success nor a
    /// failure of the sink. A trial that ends so lets the next message be the trial.
    /// </summary>
    public void Abandoned() => _trialInFlight = false;

    /// <summary>The sink failed temporarily (error, timeout, crash); returns true if this opened the circuit.</summary>
    public bool Failed(DateTime now)
    {
        var wasOpen = IsOpen;
        _failures++;
        _trialInFlight = false;
        if (IsOpen)
            _openUntil = now + settings.ResetTimeout;
        return IsOpen && !wasOpen;
    }
}
