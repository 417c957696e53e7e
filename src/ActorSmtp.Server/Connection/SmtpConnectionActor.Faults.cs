using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Faults;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Scripted faults (<c>actorsmtp.faults</c>): at each stage the recipients' tags, then the rules, may take the stage
/// over: another reply, a dropped connection, a pause, slow replies, or the message stored and its 250 lost. Each stage
/// (Commands, Policy, Body, SinkWait) calls in here only when faults are on (<c>settings.Faults</c> is null otherwise);
/// it says how the stage answers with a reply instead of its own, and how it goes on after a pause.
/// PausedByFault: a stall or a delay; nothing is read or answered until it is over.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    private static readonly SmtpReply UnknownTag = SmtpReply.Create(553, "5.1.3", "Unknown fault tag; see Faults in the README");

    /// <summary>
    /// What a connection keeps for faults: made only when they are on, so a connection without them holds one null
    /// reference (idle connections are the server's memory: ~3–6 KB each, load-tests/BENCHMARKS.md).
    /// </summary>
    private sealed class ConnectionFaults
    {
        public InjectedFaults? Injected; // since the last message ended, for the next envelope
        public List<FaultRuleSettings>? TagScratch;
        public bool ConnectChecked;

        // PausedByFault
        public Action? AfterPause;
        public ICancelable? PauseTimer;
        public long PauseId;
        public FaultStage PauseStage;

        // The message being received
        public FaultRuleSettings? EndOfData;
        public bool EndOfDataDecided;
        public bool EndOfDataCarried;
        public FaultRule? BodyRule; // armed at the start of data; fires once its octets (and headers) are in
        public FaultRuleSettings? BodyTag;
        public long BodyAt = long.MaxValue; // the body octets after which BodyRule or BodyTag strikes
        public SmtpReply? Refusal; // a body fault's reply, given at the end of data
        public int ChunkNumber;
    }

    private readonly ConnectionFaults? _faults = settings.Faults is null ? null : new ConnectionFaults();

    /// <summary>The fault state, in the methods that run only with faults on.</summary>
    private ConnectionFaults Faults => _faults!;

    private void OnPausedByFault(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.FaultPauseOver over:
                if (over.Id == Faults.PauseId && Faults.AfterPause is { } resume)
                {
                    Faults.AfterPause = null;
                    resume();
                }
                break;
            case ConnectionProtocol.DeadlineExpired:
                if (DeadlinePassed())
                    StallTimedOut();
                break;
            case TransportProtocol.Received received:
                OnBeforeGreeting(received); // only before the greeting is the socket read during a pause: an early talker
                break;
            default:
                if (Faults.PauseStage == FaultStage.Connect)
                    ElseCloseOnShutdown(message);
                else
                    ElseFinishWithinGrace(message);
                break;
        }
    }

    /// <summary>The connect stage's rules are still to be asked (after an implicit TLS handshake, they are asked then).</summary>
    private bool ConnectFaultPending => _faults is { ConnectChecked: false };

    /// <summary>Before the greeting: a connect fault; true when it took the greeting over.</summary>
    private bool ConnectFault(bool starting)
    {
        Faults.ConnectChecked = true;
        if (settings.Faults!.Current.Fire(FaultStage.Connect, new FaultFacts(_transport.RemoteEndPoint.Address)) is not { } fault)
            return false;
        if (starting)
            _transport.Start(Self); // nothing is queued: it reads, so an early talker and the close are seen
        var taken = Inject(fault,
            refuse: reply =>
            {
                _session.Close();
                Reply(reply);
                Close();
            },
            resume: () => Greet(starting: false));
        if (!taken && starting)
            Greet(starting: false); // slow replies: the greeting too, on the loop started above
        return taken || starting;
    }

    /// <summary>HELO, MAIL or RCPT passed the session's checks: a fault for it; true when it took the command over.</summary>
    private bool PendingFault(FaultStage stage, Protocol.Session.PendingCommand pending)
    {
        var plan = settings.Faults!.Current;
        FaultRuleSettings? fault = null;
        if (stage == FaultStage.Mail)
            ForgetTransactionFaults();
        if (stage == FaultStage.Rcpt && plan.TagPrefix.Length > 0)
        {
            if (!TagsOf(pending.Recipient!, plan.TagPrefix))
            {
                Log.Info("Refused a recipient with an unknown fault tag from {0}", _transport.RemoteEndPoint);
                RefusePending(UnknownTag);
                return true;
            }
            fault = Faults.TagScratch!.Find(tag => tag.Effect.Stage == FaultStage.Rcpt);
        }
        var facts = stage switch
        {
            FaultStage.Helo => Facts() with { Helo = pending.HeloName },
            FaultStage.Mail => Facts() with { From = pending.From?.ToString() ?? "" },
            _ => Facts() with { Recipient = pending.Recipient },
        };
        fault ??= plan.Fire(stage, facts);
        return fault is not null && Inject(fault, RefusePending, resume: () => ContinuePending(inLoop: false));
    }

    /// <summary>A pending command refused inside the read loop.</summary>
    private void RefusePending(SmtpReply reply) => ReplyInLoop(_session.PolicyCompleted(reply));

    /// <summary>AUTH credentials, before the authenticator is asked; true when a fault took it over.</summary>
    private bool AuthFault(Protocol.Session.Credentials credentials)
    {
        var fault = settings.Faults!.Current.Fire(FaultStage.Auth, Facts() with { User = credentials.UserName });
        return fault is not null && Inject(fault,
            refuse: reply => ReplyInLoop(_session.AuthenticationCompleted(null) with { Reply = reply }),
            resume: () => AskAuthenticator(credentials));
    }

    /// <summary>STARTTLS, DATA or BDAT was accepted by the session: a fault for it; true when it took the command over.</summary>
    private bool CommandFault(Protocol.Session.SessionStep step)
    {
        var plan = settings.Faults!.Current;
        if (step.Action == Protocol.Session.SessionAction.StartTls)
            return StartTlsFault(plan, step);
        if (step.Action == Protocol.Session.SessionAction.BeginData)
        {
            var fault = FirstTag(FaultStage.Data, 1) ?? plan.Fire(FaultStage.Data, TransactionFacts());
            return fault is not null && Inject(fault, RefuseData, resume: () =>
            {
                Reply(step.Reply!);
                BeginData();
                Process();
            });
        }
        var chunk = _message is null ? 1 : Faults.ChunkNumber + 1;
        var chunkFault = FirstTag(FaultStage.Bdat, chunk) ?? plan.Fire(FaultStage.Bdat, TransactionFacts() with { Chunk = chunk });
        return chunkFault is not null && Inject(chunkFault, RefuseData, resume: () =>
        {
            BeginChunk(step.Chunk);
            Process();
        });
    }

    /// <summary>
    /// STARTTLS: a reply instead of the 220 leaves the session in plaintext; a disconnect or reset aborts the handshake
    /// (the 220 goes out, then the connection drops), as a broken TLS stack or middlebox would.
    /// </summary>
    private bool StartTlsFault(FaultPlan plan, Protocol.Session.SessionStep step)
    {
        var fault = plan.Fire(FaultStage.StartTls, Facts());
        if (fault is null)
            return false;
        if (fault.Effect.Action is FaultAction.Disconnect or FaultAction.Reset)
            Reply(step.Reply!);
        return Inject(fault, refuse: Reply, resume: () =>
        {
            Reply(step.Reply!);
            Become(UpgradingTls);
            StartTls();
        });
    }

    /// <summary>DATA or a BDAT chunk refused inside the read loop; a refused chunk's octets are still read and dropped.</summary>
    private void RefuseData(SmtpReply reply)
    {
        var step = _session.RefuseData(reply);
        ReplyInLoop(step);
        if (step.Action == Protocol.Session.SessionAction.SkipChunk)
            BeginSkip(step.Chunk);
    }

    /// <summary>At the start of data: the body fault to watch for, if any (it needs octets, perhaps headers, before it strikes).</summary>
    private void ArmBodyFault()
    {
        Faults.BodyRule = null;
        Faults.BodyTag = FirstTag(FaultStage.Body, 1);
        if (Faults.BodyTag is null)
            Faults.BodyRule = settings.Faults!.Current.ArmBody(TransactionFacts());
        Faults.BodyAt = Faults.BodyTag?.After ?? Faults.BodyRule?.Settings.After ?? long.MaxValue;
    }

    /// <summary>Octets the decoder may take before the armed body fault must be looked at.</summary>
    private int BeforeBodyFault(int take) =>
        _faults is not { BodyAt: < long.MaxValue } faults || faults.BodyAt <= _body.Size ? take : (int)Math.Min(faults.BodyAt - _body.Size, take);

    /// <summary>The armed body fault's octets are in: it strikes (or, its header condition unmet, disarms); false when reading stops.</summary>
    private bool BodyFault(IncomingMessage message)
    {
        var fault = Faults.BodyTag;
        if (fault is null)
        {
            var rule = Faults.BodyRule!;
            if (rule.Settings.When.Header is not null && !message.HeadersComplete)
                return true; // not yet known: looked at again with the next octets
            fault = rule.MatchesHeaders(message.Headers) && rule.TryFire() ? rule.Settings : null;
        }
        Faults.BodyTag = null;
        Faults.BodyRule = null;
        Faults.BodyAt = long.MaxValue;
        if (fault is null)
            return true;
        Inject(fault, refuse: reply =>
        {
            Faults.Refusal = reply; // RFC 5321 has no reply in the middle of DATA: the rest is read and dropped, then this
            message.Fail(new MessageBodyException(BodyFailureCause.InjectedFault, "An injected fault refused the message."));
        }, resume: ResumeBody);
        return _phase == ReceivingBody;
    }

    /// <summary>The end of data's fault, decided once per message (when its envelope is made, or at the end of data).</summary>
    private FaultRuleSettings? EndOfDataFault(IncomingMessage message)
    {
        if (Faults.EndOfDataDecided)
            return Faults.EndOfData;
        Faults.EndOfDataDecided = true;
        Faults.EndOfData = FirstTag(FaultStage.EndOfData, 1)
            ?? settings.Faults!.Current.Fire(FaultStage.EndOfData, TransactionFacts() with { Headers = message.Headers });
        if (Faults.EndOfData is { } fault)
            Record(fault); // now, so that a fault after storing is in the stored envelope
        return Faults.EndOfData;
    }

    /// <summary>The end of data was valid: a fault before storing; true when it took the message over.</summary>
    private bool BeforeStoring(IncomingMessage message)
    {
        if (Faults.EndOfDataCarried || EndOfDataFault(message) is not { Effect.AfterStore: false } fault)
            return false;
        Faults.EndOfDataCarried = true;
        return CarryOut(fault, refuse: reply =>
        {
            message.Fail(new MessageBodyException(BodyFailureCause.InjectedFault, "An injected fault refused the message."));
            Finish(reply, delivered: false);
        }, resume: () =>
        {
            if (StoreAtEndOfData(message))
                Process();
        });
    }

    /// <summary>The sink stored the message: a fault after storing (the lost acknowledgement); false when there is none.</summary>
    private bool AfterStored(string messageId)
    {
        if (Faults.EndOfData is not { Effect.AfterStore: true } fault || Faults.EndOfDataCarried)
            return false;
        Faults.EndOfDataCarried = true;
        _message = null; // stored for good: nothing of it is to fail now
        return CarryOut(fault, refuse: reply => Finish(reply, delivered: true), resume: () =>
        {
            FinishQueued(messageId);
            Process();
        });
    }

    /// <summary>Records <paramref name="fault"/>, then carries it out (<see cref="CarryOut"/>).</summary>
    private bool Inject(FaultRuleSettings fault, Action<SmtpReply> refuse, Action resume)
    {
        Record(fault);
        return CarryOut(fault, refuse, resume);
    }

    /// <summary>
    /// Carries out <paramref name="fault"/>: <paramref name="refuse"/> answers with its reply; <paramref name="resume"/>
    /// goes on after a pause, outside the read loop. False when the stage goes on as usual (slow replies).
    /// </summary>
    private bool CarryOut(FaultRuleSettings fault, Action<SmtpReply> refuse, Action resume)
    {
        var effect = fault.Effect;
        switch (effect.Action)
        {
            case FaultAction.Reply or FaultAction.StoreThenReply:
                refuse(effect.Reply!);
                return true;
            case FaultAction.Slow:
                _transport.SlowReplies(effect.Rate);
                return false;
            case FaultAction.Disconnect or FaultAction.StoreThenDisconnect or FaultAction.Reset:
                Drop(reset: effect.Action == FaultAction.Reset);
                return true;
            default:
                Pause(effect, resume);
                return true;
        }
    }

    /// <summary>The replies already due go out, then the connection closes (FIN) or resets (RST), answering nothing more.</summary>
    private void Drop(bool reset)
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.InjectedFault, "An injected fault dropped the connection."));
        _message = null;
        _session.Close();
        Become(Closing);
        if (reset)
            _transport.ResetAfterReplies(settings.CommandTimeout);
        else
            _transport.CloseAfterReplies(settings.CommandTimeout);
    }

    /// <summary>A stall (bounded by the stage's own deadline) or a delay (not).</summary>
    private void Pause(FaultEffect effect, Action resume)
    {
        Faults.PauseStage = effect.Stage;
        _pausedAt = Environment.TickCount64; // a pause in the body is the server's time, not the client's (ResumeBody)
        Become(PausedByFault);
        Faults.AfterPause = resume;
        _transport.Send(); // the replies already due (pipelined commands before this one) go out now
        if (effect.Action == FaultAction.Stall)
            _transport.SetDeadline(effect.Stage == FaultStage.Body ? settings.DataTimeout : settings.CommandTimeout);
        else
            _transport.ClearDeadline();
        if (effect.For is not { } duration)
            return;
        var id = ++Faults.PauseId;
        Faults.PauseTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(duration, Self, new ConnectionProtocol.FaultPauseOver(id), Self);
    }

    /// <summary>A stall outlasted the session's own deadline: it ends as any timeout does (421 4.4.2).</summary>
    private void StallTimedOut()
    {
        _message?.Fail(new MessageBodyException(BodyFailureCause.InjectedFault, "An injected stall outlasted the deadline."));
        _message = null;
        Log.Info("Closing {0}: timeout during an injected stall", _transport.RemoteEndPoint);
        _session.Close();
        Reply(settings.Session.Replies.Timeout);
        Close();
    }

    private void Record(FaultRuleSettings fault)
    {
        var stage = FaultNames.Of(fault.Effect.Stage);
        var action = FaultNames.Of(fault.Effect.Action);
        Log.Info("Fault {0} at {1}: {2} for {3}", fault.Name, stage, action, _transport.RemoteEndPoint);
        Telemetry.SmtpMetrics.FaultInjected(stage, action);
        (Faults.Injected ??= new InjectedFaults()).Add(new InjectedFault(fault.Name, stage, action));
    }

    /// <summary>
    /// The faults injected on the way to the message whose envelope is being made (its end of data's is decided now),
    /// and those its body will still see; the list is let go when the message is over (<see cref="Finish"/>), stored or not.
    /// </summary>
    private IReadOnlyList<InjectedFault>? InjectedSoFar(IncomingMessage message)
    {
        if (settings.Faults is null)
            return null;
        EndOfDataFault(message);
        return Faults.Injected ??= new InjectedFaults();
    }

    /// <summary>
    /// A new transaction: the faults of one that ended without a message (a refused RCPT, DATA) are not this one's;
    /// those of the session (connect, HELO, STARTTLS, AUTH) stay, for its first message.
    /// </summary>
    private void ForgetTransactionFaults()
    {
        if (Faults.Injected is not { Count: > 0 } injected)
            return;
        Faults.Injected = null;
        foreach (var fault in injected)
            if (fault.Stage is "connect" or "helo" or "starttls" or "auth")
                (Faults.Injected ??= new InjectedFaults()).Add(fault);
    }

    /// <summary>A new message: nothing of the last one's faults holds for it.</summary>
    private void ResetMessageFaults()
    {
        Faults.EndOfData = null;
        Faults.EndOfDataDecided = false;
        Faults.EndOfDataCarried = false;
        Faults.Refusal = null;
        Faults.ChunkNumber = 0;
        ArmBodyFault();
    }

    /// <summary>A step decided inside the read loop: its reply, and the close it may bring (too many errors).</summary>
    private void ReplyInLoop(Protocol.Session.SessionStep step)
    {
        Reply(step.Reply!);
        if (step.Action != Protocol.Session.SessionAction.Close)
            return;
        if (step.Farewell is not null)
            Reply(step.Farewell);
        Become(Closing);
    }

    /// <summary>The first tag of the transaction's recipients for <paramref name="stage"/> (and chunk); null when tags are off.</summary>
    private FaultRuleSettings? FirstTag(FaultStage stage, int chunk)
    {
        var prefix = settings.Faults!.Current.TagPrefix;
        if (prefix.Length == 0 || _session.Transaction is not { } transaction)
            return null;
        foreach (var recipient in transaction.Recipients)
        {
            if (!recipient.LocalPart.Contains('+') || !TagsOf(recipient, prefix))
                continue;
            foreach (var tag in Faults.TagScratch!)
                if (tag.Effect.Stage == stage && (stage != FaultStage.Bdat || tag.Chunk == chunk))
                    return tag;
        }
        return null;
    }

    /// <summary>Parses <paramref name="recipient"/>'s tags into the scratch list; false when one is not a valid tag.</summary>
    private bool TagsOf(Mailbox recipient, string prefix)
    {
        Faults.TagScratch ??= [];
        Faults.TagScratch.Clear();
        return FaultTags.TryParse(recipient.LocalPart, prefix, Faults.TagScratch, out _);
    }

    private FaultFacts Facts() =>
        new(_transport.RemoteEndPoint.Address, _session.HeloName, _session.AuthenticatedAs, _session.Transaction?.From?.ToString() ?? "");

    private FaultFacts TransactionFacts() => Facts() with { Recipients = _session.Transaction?.Recipients };
}
