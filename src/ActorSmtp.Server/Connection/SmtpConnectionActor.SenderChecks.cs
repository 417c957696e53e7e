using Akka.Actor;
using Akka.Event;
using ActorSmtp.MessageAuthentication.Arc;
using ActorSmtp.MessageAuthentication.Dkim;
using ActorSmtp.Protocol.Session;
using ActorSmtp.Server.SenderAuthentication;
using ActorSmtp.Server.Transport;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Who really sent it (<c>actorsmtp.authentication</c>, <c>actorsmtp.dnsbl</c>). CheckingClient: before the greeting the
/// blocklists are asked (any byte now is an early talker); a blocked client gets the zone's reply and is closed.
/// CheckingSender: MAIL FROM waits for its SPF result before its policies (which see it); with spf-fail = reject a
/// fail is 550 5.7.23. VerifyingMessage: at the end of data the body waits, not yet complete, for DKIM, DMARC and ARC;
/// their results complete the envelope's <see cref="AuthenticationState"/> before the body ends, and a DMARC
/// p=reject failure with dmarc-reject = reject fails the body (nothing is stored) and is answered 550 5.7.1.
/// Every lookup runs off the actor and is piped back; none of this exists unless a check is on.
/// </summary>
internal sealed partial class SmtpConnectionActor
{
    private static long _lastSenderCheck;

    // Every phase, when a check is on
    private DnsblCheck? _dnsbl; // the session's, from connect
    private bool _clientChecked;
    private SpfCheck? _spf; // the last MAIL FROM's: every MAIL is checked, so it is the transaction's
    private long _senderCheck; // the SPF check awaited now (0: none), and the one done for the pending MAIL
    private bool _senderChecked;

    // ReceivingBody through VerifyingMessage
    private DkimVerification? _dkim;
    private ArcValidation? _arc;
    private AuthenticationState? _authentication;
    private bool _verified; // this message's end-of-data checks are done
    private bool _heldTooLong; // add-authentication-results, and it outgrew max-held-size: it streams without the header

    private SenderChecks? Checks => settings.Checks;

    private bool ClientCheckPending => !_clientChecked && Checks is { } checks && checks.ChecksClient(_transport.RemoteEndPoint.Address);

    private void OnCheckingClient(object message)
    {
        switch (message)
        {
            case ClientChecked checkedClient:
                OnClientChecked(checkedClient);
                break;
            case TransportProtocol.Received received:
                OnBeforeGreeting(received);
                break;
            case ConnectionProtocol.DeadlineExpired:
                break; // none is set: the checks are bounded
            default:
                ElseCloseOnShutdown(message);
                break;
        }
    }

    private void OnCheckingSender(object message)
    {
        if (message is SenderChecked sender)
            OnSenderChecked(sender);
        else
            ElseAwaitCheck(message);
    }

    private void OnVerifyingMessage(object message)
    {
        if (message is MessageVerified verified)
            OnMessageVerified(verified);
        else
            ElseAwaitCheck(message);
    }

    /// <summary>CheckingSender, VerifyingMessage: no deadline is set while the checks run (they are bounded); a shutdown waits for them.</summary>
    private void ElseAwaitCheck(object message)
    {
        if (message is ConnectionProtocol.DeadlineExpired)
            DeadlinePassed();
        else
            ElseAwaitAnswerPastGrace(message);
    }

    /// <summary>Before the greeting: the blocklists; <paramref name="starting"/>: the read loop is not running yet.</summary>
    private void CheckClient(bool starting)
    {
        Become(CheckingClient);
        _transport.ClearDeadline();
        if (starting)
            _transport.Start(Self); // nothing queued: it only reads, so an early talker is seen
        Checks!.CheckClientAsync(_transport.RemoteEndPoint.Address).PipeTo(Self);
    }

    private void OnClientChecked(ClientChecked result)
    {
        _clientChecked = true;
        _dnsbl = result.Check;
        if (result.Refusal is not { } refusal)
        {
            Greet(starting: false);
            return;
        }
        Log.Info("Closing {0}: listed in {1} ({2})", _transport.RemoteEndPoint,
            string.Join(", ", result.Check.Listings.Select(l => $"{l.Zone} {l.Answer}")), refusal);
        _session.Close();
        Reply(refusal);
        Close();
    }

    /// <summary>MAIL FROM, when SPF is on and not yet checked for it: true when the check was started.</summary>
    private bool CheckSender(PendingCommand pending)
    {
        if (pending.Stage != CheckedStages.MailFrom || Checks is not { Spf: true } checks || _senderChecked)
            return false;
        Become(CheckingSender);
        _transport.ClearDeadline();
        _senderCheck = Interlocked.Increment(ref _lastSenderCheck);
        checks.CheckSenderAsync(_senderCheck, _transport.RemoteEndPoint.Address, pending.From?.ToString(),
            _session.HeloName ?? "").PipeTo(Self);
        return true;
    }

    private void OnSenderChecked(SenderChecked result)
    {
        if (result.Transaction != _senderCheck)
            return;
        _senderCheck = 0;
        _spf = result.Check;
        if (result.Refusal is { } refusal)
        {
            _spf = null;
            Decide(ActorSmtp.Policies.PolicyStage.MailFrom, refusal);
            return;
        }
        _senderChecked = true; // the policies next (they see the result), then the reply
        ContinuePending(inLoop: false);
        _senderChecked = false;
    }

    /// <summary>What is known before DATA, for the policies and the envelope; null when no check is on.</summary>
    private AuthenticationResults? KnownResults()
    {
        if (Checks is null)
            return null;
        return new AuthenticationResults(Spf: _spf, Dnsbl: _dnsbl);
    }

    /// <summary>A new message: its DKIM and ARC taps, and the results its envelope will carry.</summary>
    private void BeginChecks()
    {
        _verified = false;
        _heldTooLong = false;
        if (Checks is not { } checks)
            return;
        _dkim?.Dispose();
        _dkim = checks.NewVerification(settings.Limits.MaxHeaderSize);
        _arc = checks.Settings.Arc ? new ArcValidation(checks.Settings.ArcMaxSize) : null;
        _authentication = new AuthenticationState(KnownResults()!);
    }

    /// <summary>The bytes just decoded, exactly as stored, for DKIM's body hashes and ARC.</summary>
    private void Tap(ReadOnlySpan<byte> decoded)
    {
        _dkim?.Append(decoded);
        _arc?.Append(decoded);
    }

    /// <summary>
    /// add-authentication-results (or dmarc-quarantine = tag): what the end of data decides changes what the sink gets,
    /// so the body is held back (not streamed) while it fits in max-held-size.
    /// </summary>
    private bool HoldsForHeader(IncomingMessage message)
    {
        if (Checks is not { Settings.HoldsMessages: true } checks || _heldTooLong)
            return false;
        if (_body.Size <= checks.Settings.MaxHeldSize)
            return true;
        _heldTooLong = true;
        Log.Warning("Authentication-Results not added to {0} (nor a dmarc tag): it is larger than max-held-size ({1} bytes); its .json has the results",
            message.Id, checks.Settings.MaxHeldSize);
        return false;
    }

    /// <summary>At the end of data, before the body completes: true when the checks were started (the sink waits).</summary>
    private bool VerifyAtEndOfData(IncomingMessage message)
    {
        if (Checks is not { } checks || _verified || !(checks.Settings.AtEndOfData || checks.Settings.HoldsMessages))
            return false;
        Become(VerifyingMessage);
        _transport.ClearDeadline();
        var dkim = _dkim;
        _dkim = null; // the check owns it now
        var from = message.Headers.From is [var only] && only.LastIndexOf('@') is var at and >= 0 ? only[(at + 1)..].TrimEnd('>') : null;
        var (id, known, arc) = (message.Id, _authentication!.Results, _arc);
        // Off the actor's thread: the signatures are CPU work (RSA, Ed25519), and this thread reads sockets for others.
        Task.Run(() => checks.CompleteAsync(id, known, dkim, from, arc)).PipeTo(Self);
        _arc = null;
        return true;
    }

    private void OnMessageVerified(MessageVerified verified)
    {
        if (_message is not { } message || message.Id != verified.MessageId)
            return;
        _verified = true;
        _authentication!.Complete(verified.Results);
        if (verified.Refusal is { } refusal)
        {
            Log.Info("Refused {0} from {1}: {2}", message.Id, _transport.RemoteEndPoint, refusal);
            message.Fail(new MessageBodyException(BodyFailureCause.Refused, refusal.Text));
            Finish(refusal, delivered: false);
            Process();
            return;
        }
        if (Checks!.Quarantines(verified.Results.Dmarc))
            Attach(ActorSmtp.Policies.PolicyStage.RcptTo, new Dictionary<string, string> { ["dmarc"] = "quarantine" });
        if (StoreAtEndOfData(message))
            Process();
    }

    /// <summary>The prepended header, when add-authentication-results is on and the message was held for it.</summary>
    private Func<ReadOnlyMemory<byte>, byte[]>? ResultsHeader(IncomingMessage message) =>
        Checks is { Settings.AddAuthenticationResults: true } checks && !message.IsStreaming
            ? whole => AuthenticationResultsField.Prepend(whole, checks.Hostname, _authentication!.Results)
            : null;
}
