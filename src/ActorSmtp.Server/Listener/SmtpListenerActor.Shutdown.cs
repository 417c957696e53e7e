using Akka.Actor;
using Akka.Event;
using ActorSmtp.Server.Connection;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// Graceful shutdown in two CoordinatedShutdown phases, the Kestrel way (close, wait, then abort):
/// service-unbind closes the listening sockets; service-requests-done asks every connection to drain
/// (idle: 421 4.3.2 now; in a transaction: after it) and answers once all are gone, or when the grace
/// is over (or cut short by <see cref="ListenerProtocol.CutGrace"/>): then the sessions still in a
/// transaction get 421 4.3.2 and what is left after the reply window is cut. A message is acknowledged
/// only after its sink stored it, so cutting loses nothing that got a 250.
/// </summary>
internal sealed partial class SmtpListenerActor
{
    /// <summary>
    /// How long sessions told the grace is over have to write their 421 before they are cut. A reply fits the
    /// socket's send buffer unless the client stopped reading; it must stay within the slack that
    /// ActorSmtpServer's drain ask leaves past the grace (5 s).
    /// </summary>
    private static readonly TimeSpan ReplyWindow = TimeSpan.FromSeconds(2);

    private bool _unbound;
    private bool _graceCut;
    private IActorRef? _drainRequester;

    private void Unbind()
    {
        if (!_unbound)
        {
            _unbound = true;
            foreach (var listener in _listeners)
                listener.Dispose(); // ends the accept loops
            _log.Info("Stopped accepting connections; {0} open", _connections.Count);
        }
        Sender.Tell(ListenerProtocol.Unbound.Instance);
    }

    private void StartDrain(TimeSpan grace)
    {
        if (!_unbound)
        {
            _unbound = true;
            foreach (var listener in _listeners)
                listener.Dispose();
        }
        _drainRequester = Sender;
        if (_connections.Count == 0)
        {
            DrainCompleted();
            return;
        }
        if (_graceCut)
            grace = TimeSpan.Zero;
        _log.Info("Draining {0} connections (grace {1})", _connections.Count, grace);
        foreach (var connection in _connections.Keys)
            connection.Tell(ConnectionProtocol.Drain.Instance);
        Timers.StartSingleTimer("drain-grace", ListenerProtocol.DrainGraceOver.Instance, grace);
    }

    /// <summary>A second SIGINT: the operator does not want to wait for the grace.</summary>
    private void CutGrace()
    {
        if (_graceCut)
            return;
        _graceCut = true;
        if (_drainRequester is null)
            return; // the drain has not started: it will start with no grace
        _log.Warning("Shutdown grace cut short");
        Timers.Cancel("drain-grace");
        EndGrace();
    }

    /// <summary>
    /// The grace is over: sessions still in a transaction get 421 4.3.2 (it was never acknowledged), and
    /// <see cref="ReplyWindow"/> later whatever is still open is cut.
    /// </summary>
    private void EndGrace()
    {
        if (_drainRequester is null)
            return;
        if (_connections.Count == 0)
        {
            DrainCompleted();
            return;
        }
        _log.Warning("Shutdown grace over: closing {0} connections with 421", _connections.Count);
        foreach (var connection in _connections.Keys)
            connection.Tell(ConnectionProtocol.GraceOver.Instance);
        Timers.StartSingleTimer("drain-cut", ListenerProtocol.DrainCut.Instance, ReplyWindow);
    }

    private void Cut()
    {
        if (_drainRequester is null)
            return;
        if (_connections.Count > 0)
            _log.Warning("Cutting {0} connections that did not close after the 421", _connections.Count);
        foreach (var tracked in _connections.Values)
            tracked.Transport.Dispose();
        DrainCompleted();
    }

    private void DrainCompleted()
    {
        if (_drainRequester is null)
            return;
        Timers.Cancel("drain-grace");
        Timers.Cancel("drain-cut");
        _drainRequester.Tell(ListenerProtocol.Drained.Instance);
        _drainRequester = null;
    }
}
