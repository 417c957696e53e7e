using Akka.Actor;
using Akka.Event;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks;
using static ActorSmtp.Server.Sinks.SinkSupervisorProtocol;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// Runs one named sink and answers for it: every <see cref="SinkProtocol.Store"/> gets exactly one result,
/// in time. A crashing sink is restarted after a growing pause; while it is down, while its circuit breaker
/// is open, when it fails temporarily or misses its timeout, the message goes to the sink's fallback if it
/// has one, else the client gets 451 at once. The sending MTA retries, so nothing is lost and nobody hangs.
/// Only the sink's own failures count (an exception, a crash, a timeout of its own work, a temporary failure it
/// returned): a transaction the client broke off (<see cref="SinkProtocol.Abandoned"/>) leaves breaker and fallback alone.
/// The timeout runs from the end of the body (<see cref="MessageBody.Ended"/>), not from the Store: the time the
/// body takes to arrive is the client's, and the connection bounds it (data-timeout, min-data-rate).
/// </summary>
/// <remarks>Runs on the calling thread: it only forwards and keeps a table, so it costs no thread-pool hop.</remarks>
internal sealed class SinkSupervisor : UntypedActor, IWithTimers
{
    private readonly SinkSettings _sink;
    private readonly SinkRestartSettings _restart;
    private readonly IActorRef? _fallback;
    private readonly SinkCircuit _circuit;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Telemetry.SinkMetrics _metrics;
    private IActorRef? _child;
    private int _crashes;
    private Exception? _lastFailure;
    private FirstStart? _firstStart; // known once the first incarnation answered Identify or stopped
    private readonly List<IActorRef> _awaitingFirstStart = [];

    public SinkSupervisor(SinkSettings sink, SinkRestartSettings restart, IActorRef? fallback)
    {
        _sink = sink;
        _restart = restart;
        _fallback = fallback;
        _circuit = new SinkCircuit(sink.CircuitBreaker);
        _metrics = new Telemetry.SinkMetrics(sink.Name);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A failed sink is stopped, never restarted in place: its replacement comes after the backoff pause.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(failure =>
    {
        _lastFailure = failure;
        return Directive.Stop;
    });

    protected override void PreStart()
    {
        StartChild();
        var tick = TimeSpan.FromTicks(Math.Clamp(_sink.Timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
        Timers.StartPeriodicTimer(nameof(CheckDeadlines), CheckDeadlines.Instance, tick);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SinkProtocol.Store store:
                OnStore(store, Sender);
                break;
            case SinkProtocol.Result result:
                OnResult(result);
                break;
            case CheckDeadlines:
                ExpireOverdue();
                break;
            case FallbackReady ready:
                _fallback!.Tell(ready.Store, ready.ReplyTo);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_child):
                OnCrash();
                break;
            case ActorIdentity identity when ReferenceEquals(identity.MessageId, FirstStartProbe) && identity.Subject is not null:
                AnswerFirstStart(new FirstStart(null));
                break;
            case AwaitFirstStart:
                if (_firstStart is null)
                    _awaitingFirstStart.Add(Sender);
                else
                    Sender.Tell(_firstStart);
                break;
            case RestartSink:
                StartChild();
                break;
            case GetHealth:
                Sender.Tell(new Health(_sink.Name, _child is not null, _circuit.IsOpen, _pending.Count));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnStore(SinkProtocol.Store store, IActorRef replyTo)
    {
        if (_child is null || !_circuit.Allows(DateTime.UtcNow) || _pending.ContainsKey(store.MessageId))
        {
            _metrics.Unavailable();
            Fail(store, replyTo, _child is null ? "sink is restarting" : "circuit breaker open");
            return;
        }
        var pending = new Pending(store, replyTo);
        var body = store.Body;
        if (_fallback is not null)
        {
            pending.Fork = body.Fork(2);
            pending.Copy = new RetainedBody(pending.Fork.Branches[1]);
            body = pending.Fork.Branches[0];
        }
        _pending[store.MessageId] = pending;
        _child.Tell(store with { Body = body, Timeout = _sink.Timeout }, Self);
    }

    private void OnResult(SinkProtocol.Result result)
    {
        if (!_pending.Remove(result.MessageId, out var pending))
            return; // answered already: it timed out, or the sink crashed first
        _metrics.Answered(pending.Started, result);
        if (result is SinkProtocol.Abandoned abandoned)
        {
            // The client broke the transaction off: that says nothing about the sink (a trial is simply over).
            _circuit.Abandoned();
            _log.Debug("Sink {0}: message {1} abandoned by its client ({2})", _sink.Name, result.MessageId, abandoned.Cause);
            pending.ReplyTo.Tell(result, ActorRefs.NoSender);
            return;
        }
        if (result is SinkProtocol.TemporaryFailure { ReplyText: null } failure)
        {
            _log.Warning("Sink {0} could not store message {1}: {2}", _sink.Name, result.MessageId, failure.Reason);
            Failed(pending, failure);
            return;
        }
        // Stored, refused for good, or a deliberate 4xx (a reject sink in maintenance): the sink works.
        if (_circuit.Succeeded())
            _log.Info("Sink {0} answers again: circuit breaker closed", _sink.Name);
        if (result is SinkProtocol.Stored)
            _crashes = 0;
        pending.ReplyTo.Tell(result, ActorRefs.NoSender);
    }

    private void ExpireOverdue()
    {
        if (_pending.Count == 0)
            return;
        var now = DateTime.UtcNow;
        foreach (var pending in _pending.Values.Where(p => p.IsOverdue(now, _sink.Timeout)).ToArray())
        {
            _pending.Remove(pending.Store.MessageId);
            _log.Warning("Sink {0} did not answer for message {1} within {2}", _sink.Name, pending.Store.MessageId, _sink.Timeout);
            _metrics.Failed();
            Failed(pending, new SinkProtocol.TemporaryFailure(pending.Store.MessageId, "sink timeout"));
        }
    }

    private void OnCrash()
    {
        _child = null;
        if (_firstStart is null) // it never ran: most likely its configuration (the constructor threw)
            AnswerFirstStart(new FirstStart(_lastFailure ?? new InvalidOperationException("the sink stopped before it started")));
        var delay = Backoff(_crashes++);
        _log.Warning("Sink {0} stopped after a failure; restarting it in {1}", _sink.Name, delay);
        foreach (var pending in _pending.Values.ToArray())
        {
            _metrics.Failed();
            Failed(pending, new SinkProtocol.TemporaryFailure(pending.Store.MessageId, "sink crashed"));
        }
        _pending.Clear();
        Timers.StartSingleTimer(nameof(RestartSink), RestartSink.Instance, delay);
    }

    /// <summary>A message the sink took but failed: its fallback gets the retained copy, or the client gets 451.</summary>
    private void Failed(Pending pending, SinkProtocol.TemporaryFailure failure)
    {
        if (_circuit.Failed(DateTime.UtcNow))
            _log.Warning("Sink {0} failed {1} times in a row: circuit breaker open for {2}",
                _sink.Name, _sink.CircuitBreaker.MaxFailures, _sink.CircuitBreaker.ResetTimeout);
        if (pending.Copy is null)
        {
            pending.ReplyTo.Tell(failure, ActorRefs.NoSender);
            return;
        }
        pending.Fork!.Release(0); // the primary reads no further; the copy keeps taking the body
        var store = pending.Store;
        var replyTo = pending.ReplyTo;
        var self = Self;
        pending.Copy.Complete.ContinueWith(copy =>
        {
            if (copy.IsCompletedSuccessfully)
                self.Tell(new FallbackReady(store with { Body = copy.Result }, replyTo));
            else
                replyTo.Tell(failure); // the transaction itself failed: there is nothing to fall back with
        }, TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>A message the sink never took: the fallback gets it whole, or the client gets 451.</summary>
    private void Fail(SinkProtocol.Store store, IActorRef replyTo, string reason)
    {
        if (_fallback is not null)
            _fallback.Tell(store, replyTo);
        else
            replyTo.Tell(new SinkProtocol.TemporaryFailure(store.MessageId, reason), ActorRefs.NoSender);
    }

    private void StartChild()
    {
        _child = Context.ActorOf(_sink.Props!, "sink");
        Context.Watch(_child);
        if (_firstStart is null)
            _child.Tell(new Identify(FirstStartProbe), Self); // answered only once the constructor has run
    }

    private static readonly FirstStart FirstStartProbe = new(null);

    private void AnswerFirstStart(FirstStart outcome)
    {
        if (_firstStart is not null)
            return;
        _firstStart = outcome;
        foreach (var waiter in _awaitingFirstStart)
            waiter.Tell(outcome);
        _awaitingFirstStart.Clear();
    }

    private TimeSpan Backoff(int crashes)
    {
        var pause = _restart.MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(crashes, 30));
        var capped = Math.Min(pause, _restart.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + _restart.RandomFactor * Random.Shared.NextDouble()));
    }

    private sealed class Pending(SinkProtocol.Store store, IActorRef replyTo)
    {
        private BodyDeadline _deadline = new(store.Body);

        public SinkProtocol.Store Store { get; } = store;
        public IActorRef ReplyTo { get; } = replyTo;

        public long Started { get; } = Telemetry.SinkMetrics.Now();
        public ForkedBody? Fork { get; set; }
        public RetainedBody? Copy { get; set; }

        public bool IsOverdue(DateTime now, TimeSpan timeout) => _deadline.IsOverdue(now, timeout);
    }
}
