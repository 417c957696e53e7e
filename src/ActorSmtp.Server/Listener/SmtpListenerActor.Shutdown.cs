using Akka.Actor;
using Akka.Event;
using ActorSmtp.Server.Connection;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// Graceful shutdown in two CoordinatedShutdown phases, the Kestrel way (close, wait, then abort):
/// service-unbind closes the listening sockets; service-requests-done asks every connection to drain
/// (idle: 421 4.3.2 now; in a transaction: after it) and answers once all are gone, or when the grace
/// is over, after cutting the rest. A message is acknowledged only after its sink stored it, so cutting
/// loses nothing that got a 250.
/// </summary>
internal sealed partial class SmtpListenerActor
{
    private bool _unbound;
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
        _log.Info("Draining {0} connections (grace {1})", _connections.Count, grace);
        foreach (var connection in _connections.Keys)
            connection.Tell(ConnectionProtocol.Drain.Instance);
        Timers.StartSingleTimer("drain-grace", ListenerProtocol.DrainGraceOver.Instance, grace);
    }

    /// <summary>The grace is over: whatever is still open is cut (its transaction was never acknowledged).</summary>
    private void EndDrain()
    {
        if (_drainRequester is null)
            return;
        if (_connections.Count > 0)
            _log.Warning("Shutdown grace over: cutting {0} connections", _connections.Count);
        foreach (var tracked in _connections.Values)
            tracked.Transport.Dispose();
        DrainCompleted();
    }

    private void DrainCompleted()
    {
        if (_drainRequester is null)
            return;
        Timers.Cancel("drain-grace");
        _drainRequester.Tell(ListenerProtocol.Drained.Instance);
        _drainRequester = null;
    }
}
