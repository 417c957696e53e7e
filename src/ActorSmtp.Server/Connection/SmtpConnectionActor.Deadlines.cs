namespace ActorSmtp.Server.Connection;

/// <summary>
/// The deadlines the listener's heartbeat checks (one clock for all connections, as Kestrel's Heartbeat):
/// per command line from its first byte, and for DATA and BDAT chunks by silence and by a minimum average rate.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    private long _dataStarted; // Environment.TickCount64 at DATA or BDAT, moved on by the time the sink held us back
    private long _phaseStartSize; // message octets before this BDAT chunk: each chunk is held to the rate on its own
    private long _pausedAt;
    private long _lineStarted; // Environment.TickCount64 when the incomplete line's first byte came; 0: none

    /// <summary>
    /// Idle: command-timeout from now. Inside a line: command-timeout from its first byte, however slowly
    /// the rest trickles in (Postfix smtpd_per_request_deadline; slowloris).
    /// </summary>
    private void SetCommandDeadline()
    {
        var now = Environment.TickCount64;
        if (_pending.IsEmpty && !_lines.IsDiscarding)
        {
            _lineStarted = 0;
            _transport.SetDeadlineAt(now + (long)settings.CommandTimeout.TotalMilliseconds);
            return;
        }
        if (_lineStarted == 0)
            _lineStarted = now;
        _transport.SetDeadlineAt(_lineStarted + (long)settings.CommandTimeout.TotalMilliseconds);
    }

    /// <summary>
    /// data-timeout of silence at most; with min-data-rate also data-timeout after DATA plus the time the
    /// bytes so far may take at that rate (Postfix smtpd_min_data_rate), so a trickle cannot hold the session.
    /// </summary>
    private void SetDataDeadline()
    {
        var timeout = (long)settings.DataTimeout.TotalMilliseconds;
        var deadline = Environment.TickCount64 + timeout;
        if (settings.Limits.MinDataRate > 0)
            deadline = Math.Min(deadline, _dataStarted + timeout + PhaseOctets * 1000 / settings.Limits.MinDataRate);
        _transport.SetDeadlineAt(deadline);
    }

    /// <summary>DATA, or one BDAT chunk (read or skipped), begins: the deadlines count from now.</summary>
    private void StartDataPhase()
    {
        _dataStarted = Environment.TickCount64;
        _phaseStartSize = _skip > 0 ? 0 : _body.Size;
        _skipped = 0;
    }

    /// <summary>Octets received in this phase so far.</summary>
    private long PhaseOctets => _skip > 0 ? _skipped : _body.Size - _phaseStartSize;
}
