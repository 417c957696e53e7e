using Akka.Actor;
using Akka.Event;
using ActorSmtp.Policies;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.Policies;
using ActorSmtp.Server.Transport;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The policies' decisions (<c>actorsmtp.policies</c>). CheckingConnect: before the greeting, the client's address
/// is checked (any byte now is an early talker); accepted, the greeting follows, refused, 554 or 421 and close.
/// CheckingPolicy: HELO, MAIL or RCPT passed the session's own checks and waits (<see cref="SessionAction.CheckPolicy"/>);
/// the socket is not read meanwhile, so pipelined commands behind it wait too. Each policy of the stage is asked in
/// turn, straight from here (one hop each), with its own timeout; the first verdict that is not an accept is the reply.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    private static long _lastCheckId;

    // CheckingConnect, CheckingPolicy
    private IReadOnlyList<PolicyLink>? _links; // the stage's policies
    private int _link; // the one asked now
    private PolicyProtocol.Check? _check; // what it was asked
    private ICancelable? _checkTimer;
    private bool _connectChecked;

    // Every phase: what the verdicts attached (AcceptWith), for the envelope
    private Dictionary<string, string>? _sessionTags; // connect, HELO: the whole session
    private Dictionary<string, string>? _transactionTags; // MAIL, RCPT: the transaction of _tagged only
    private MailTransaction? _tagged;

    private bool ConnectCheckPending => !_connectChecked && settings.Policies is { ChecksConnect: true };

    /// <summary>CheckingConnect: the greeting waits for the connect stage's verdict.</summary>
    private void OnCheckingConnect(object message)
    {
        if (OnVerdict(message))
            return;
        switch (message)
        {
            case TransportProtocol.Received received:
                OnBeforeGreeting(received);
                break;
            case ConnectionProtocol.DeadlineExpired:
                break; // none is set: the policy's timeout bounds the wait
            default:
                ElseCloseOnShutdown(message);
                break;
        }
    }

    /// <summary>CheckingPolicy: a command waits for its verdict; the shutdown grace waits for it too.</summary>
    private void OnCheckingPolicy(object message)
    {
        if (OnVerdict(message))
            return;
        switch (message)
        {
            case ConnectionProtocol.DeadlineExpired:
                DeadlinePassed(); // none is set while the policies decide
                break;
            default:
                ElseAwaitAnswerPastGrace(message);
                break;
        }
    }

    /// <summary>What both checking phases answer alike: a policy's answer, or its timeout.</summary>
    private bool OnVerdict(object message)
    {
        if (message is PolicyProtocol.Answer answer)
            OnPolicyAnswer(answer.CheckId, answer.Verdict);
        else if (message is ConnectionProtocol.PolicyTimedOut timedOut)
            OnPolicyTimedOut(timedOut.CheckId);
        else
            return false;
        return true;
    }

    /// <summary>Before the greeting; <paramref name="starting"/>: the read loop is not running yet.</summary>
    private void CheckConnect(bool starting)
    {
        Become(CheckingConnect);
        _transport.ClearDeadline();
        if (starting)
            _transport.Start(Self); // nothing queued: it only reads, so an early talker is seen
        AskPolicies(PolicyStage.Connect, null, null);
    }

    /// <summary>From the Commands phase: <see cref="SmtpSession.Pending"/> waits for the faults, then the policies.</summary>
    private void CheckPending()
    {
        var pending = _session.Pending!;
        if (settings.Faults is not null && PendingFault(pending.Stage switch
            {
                CheckedStages.Helo => Configuration.FaultStage.Helo,
                CheckedStages.MailFrom => Configuration.FaultStage.Mail,
                _ => Configuration.FaultStage.Rcpt,
            }, pending))
            return;
        ContinuePending(inLoop: true);
    }

    /// <summary>The policies of the pending command's stage; <paramref name="inLoop"/>: called from the loop working through the buffer.</summary>
    private void ContinuePending(bool inLoop)
    {
        var pending = _session.Pending!;
        if (CheckSender(pending))
            return; // SPF first: the policies see its result
        var stage = pending.Stage switch
        {
            CheckedStages.Helo => PolicyStage.Helo,
            CheckedStages.MailFrom => PolicyStage.MailFrom,
            _ => PolicyStage.RcptTo,
        };
        var recipient = pending.Recipient?.ToString() ?? "";
        if (settings.Policies is null || !settings.Policies.For(stage).Any(link => link.Applies?.Invoke(recipient) ?? true))
        {
            // No policy for it (only faults asked to check it), or only sinks' policies, none of them this recipient's
            // sink: accepted here and now. Inside the loop that is working through the buffer it just replies (deciding
            // through Decide would run that loop again, re-entered); after a fault's pause it resumes the loop.
            var accepted = _session.PolicyCompleted(null);
            if (inLoop)
                Reply(accepted.Reply!);
            else
                ResumeCommands(accepted);
            return;
        }
        Become(CheckingPolicy);
        _transport.ClearDeadline();
        AskPolicies(stage, pending, recipient);
    }

    private void AskPolicies(PolicyStage stage, PendingCommand? pending, string? recipient)
    {
        _links = settings.Policies!.For(stage);
        _link = 0;
        _check = PolicyCheck(stage, pending, recipient);
        AskLink();
    }

    private void AskLink()
    {
        while (_link < _links!.Count && _links[_link].Applies is { } applies && !applies(_check!.Recipient ?? ""))
            _link++; // a sink's policy, and this recipient goes to another sink
        if (_link == _links.Count)
        {
            Decide(_check!.Stage, null);
            return;
        }
        var link = _links[_link];
        var check = _check! with { Id = Interlocked.Increment(ref _lastCheckId), Tags = Tags() };
        _check = check;
        link.Actor.Tell(check, Self);
        _checkTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(
            link.Timeout, Self, new ConnectionProtocol.PolicyTimedOut(check.Id), Self);
    }

    private void OnPolicyTimedOut(long id)
    {
        if (_check?.Id != id)
            return; // answered in time after all
        Log.Warning("Policy {0} did not answer within {1} for {2}: {3}", _links![_link].Name, _links[_link].Timeout,
            _transport.RemoteEndPoint, _links[_link].OnTimeout is PolicyProtocol.Accept ? "accepted" : "deferred");
        Weigh(_links[_link].OnTimeout);
    }

    private void OnPolicyAnswer(long id, PolicyProtocol.Verdict? verdict)
    {
        if (_check?.Id != id)
            return; // an answer after its timeout: the check was decided without it
        _checkTimer?.Cancel();
        if (verdict is null)
            Log.Warning("Policy {0} failed for {1}: {2}", _links![_link].Name, _transport.RemoteEndPoint,
                _links[_link].OnTimeout is PolicyProtocol.Accept ? "accepted" : "deferred");
        Weigh(verdict ?? _links![_link].OnTimeout);
    }

    /// <summary>One policy's verdict: an accept asks the next one (or accepts the command), anything else decides.</summary>
    private void Weigh(PolicyProtocol.Verdict verdict)
    {
        var stage = _check!.Stage;
        if (verdict is PolicyProtocol.AcceptWith accepted)
            Attach(stage, accepted.Tags);
        if (verdict is PolicyProtocol.Accept or PolicyProtocol.AcceptWith)
        {
            _link++;
            AskLink(); // the next policy, or the command accepted
            return;
        }
        var reply = PolicyReplies.For(verdict, stage == PolicyStage.Connect, out var problem);
        if (problem is not null)
            Log.Warning("Policy {0} gave an invalid reply ({1}); sent {2} instead", _links![_link].Name, problem, reply);
        Decide(stage, reply);
    }

    private void Decide(PolicyStage stage, SmtpReply? refusal)
    {
        _check = null;
        _links = null;
        if (stage == PolicyStage.Connect)
        {
            ConnectDecided(refusal);
            return;
        }
        var step = _session.PolicyCompleted(refusal);
        if (stage == PolicyStage.MailFrom && _session.Transaction is { } started)
            _tagged = started; // the tags MAIL's policies attached belong to this transaction
        ResumeCommands(step);
    }

    private void ConnectDecided(SmtpReply? refusal)
    {
        if (refusal is null)
        {
            _connectChecked = true;
            Greet(starting: false);
            return;
        }
        Log.Info("Closing {0}: refused at connect ({1})", _transport.RemoteEndPoint, refusal);
        _session.Close();
        Reply(refusal);
        Close();
    }

    private void Attach(PolicyStage stage, IReadOnlyDictionary<string, string> tags)
    {
        if (stage is PolicyStage.Connect or PolicyStage.Helo)
        {
            _sessionTags ??= new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in tags)
                _sessionTags[key] = value;
            return;
        }
        if (stage == PolicyStage.MailFrom || _tagged != _session.Transaction)
        {
            _transactionTags = null; // a new transaction: the last one's tags are not this one's
            _tagged = _session.Transaction;
        }
        _transactionTags ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
            _transactionTags[key] = value;
    }

    /// <summary>The tags of this session and of its current transaction; null when none were attached.</summary>
    private IReadOnlyDictionary<string, string>? Tags()
    {
        var transaction = _tagged is not null && _tagged == _session.Transaction ? _transactionTags : null;
        if (transaction is null)
            return _sessionTags;
        if (_sessionTags is null)
            return transaction;
        var merged = new Dictionary<string, string>(_sessionTags, StringComparer.Ordinal);
        foreach (var (key, value) in transaction)
            merged[key] = value;
        return merged;
    }

    private PolicyProtocol.Check PolicyCheck(PolicyStage stage, PendingCommand? pending, string? recipient)
    {
        var transaction = _session.Transaction;
        var from = stage == PolicyStage.MailFrom ? pending!.From?.ToString() ?? ""
            : transaction is null ? null : transaction.From?.ToString() ?? "";
        var recipients = transaction is null ? RecipientTexts.None : new RecipientTexts(transaction.Recipients, transaction.Recipients.Count);
        return new PolicyProtocol.Check(0, stage, _transport.RemoteEndPoint, _transport.LocalEndPoint,
            HeloName: pending?.Stage == CheckedStages.Helo ? pending.HeloName : _session.HeloName,
            MailFrom: from, Parameters: pending?.ParameterText ?? "", Recipient: stage == PolicyStage.RcptTo ? recipient : null,
            Recipients: recipients, AuthenticatedAs: _session.AuthenticatedAs, Tls: _tls, Authentication: KnownResults());
    }
}
