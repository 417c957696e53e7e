using Akka.Configuration;
using Akka.Event;
using ActorSmtp.Sinks.Relay.Routing;
using ActorSmtp.Sinks.Relay.Smtp;

namespace ActorSmtp.Sinks.Relay;

/// <summary>
/// Relays each message to an upstream SMTP server while the client waits, so the client's 250 is the upstream's:
/// nothing is queued here. The upstream is a fixed smarthost or, with <c>mx = on</c>, the MX hosts of the
/// recipients' domain; its refusals (4xx, 5xx, enhanced code and text) become the client's reply.
/// </summary>
/// <remarks>
/// <para>
/// Configured by its HOCON block: <c>{ type = relay, host = "", port = 25, tls = none | starttls | implicit,
/// verify-certificate = on, auth { user = "", password-file = "", password-env = "" }, mx = off,
/// dns { servers = [], timeout = 5s }, helo-name = "", connect-timeout = 10s, command-timeout = 60s,
/// pool { max-per-destination = 4, idle = 30s } }</c>. The password is read from the file or the environment
/// variable at each login, never from the HOCON, and never logged. See <c>hocon/actorsmtp.reference.conf</c>.
/// </para>
/// <para>
/// The body streams to the upstream as it arrives (BDAT when offered, else DATA), behind a <c>Received:</c>
/// header (RFC 5321 §4.4) on the relayed copy only. A recipient the upstream refuses refuses the message with that
/// reply, so a 250 means every recipient was delivered. An upstream that cannot be reached, or fails mid-way, is a
/// failure of this sink (451 4.4.1; the fallback sink, when configured, takes the message).
/// </para>
/// </remarks>
[RelaysMail]
[ActorSmtp.Policies.SinkPolicy(typeof(Routing.RelayDestinationPolicy))]
public sealed class RelaySink : MessageSinkActor, IValidatesConfig
{
    // Design: the actor owns the pool of upstream sessions (bounded per destination) and the destination resolver;
    // the base runs stores concurrently and pipes each result to its sender. A store holds one pooled session from
    // MAIL to the final reply; the body is read chunk by chunk into one fixed buffer and written to the upstream
    // before more is read, so a slow upstream slows the client down (backpressure), and memory stays flat.
    private readonly RelaySettings _settings;
    private readonly RelayDestinations _destinations;
    private readonly UpstreamPool _pool;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Creates the sink from its HOCON block.</summary>
    /// <exception cref="ConfigurationException">A setting is invalid; the message names its key.</exception>
    public RelaySink(Config config)
    {
        _settings = RelaySettings.From(config);
        _destinations = new RelayDestinations(_settings, ServerDns.From(Context.System.Settings.Config));
        _pool = new UpstreamPool(_settings);
    }

    /// <summary>Checks the block, connecting to nothing and reading no password (start-up and check-config).</summary>
    /// <exception cref="ConfigurationException">A setting is invalid; the message names its key.</exception>
    public static void ValidateConfig(Config config) => _ = RelaySettings.From(config);

    protected override void PostStop()
    {
        base.PostStop(); // cancels the stores in flight
        _ = _pool.DisposeAsync().AsTask();
    }

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        var id = store.MessageId;
        var lookup = await DestinationAsync(store.Envelope, cancellationToken).ConfigureAwait(false);
        if (lookup.Destination is not { } destination)
            return Refused(id, lookup.Code, lookup.EnhancedCode, lookup.Text);
        try
        {
            await using var lease = await _pool.LeaseAsync(destination, cancellationToken).ConfigureAwait(false);
            var received = ReceivedHeader.For(store.Envelope, _settings.HeloName);
            await MessageTransfer.SendAsync(lease.Connection, store.Envelope, received, store.Body, cancellationToken).ConfigureAwait(false);
            return new SinkProtocol.Stored(id, lease.Connection.Host.Location);
        }
        catch (UpstreamRefusedException ex)
        {
            _log.Info("relay sink: message {0} refused upstream: {1}", id, ex.Message);
            return Refused(id, ex.Reply.Code, ex.Reply.EnhancedCode, ex.Reply.Text);
        }
        catch (MessageBodyException ex) when (ex.IsClientFault)
        {
            return new SinkProtocol.Abandoned(id, ex.Cause); // the upstream never saw the end: it keeps nothing
        }
        catch (UpstreamUnavailableException ex)
        {
            _log.Warning("relay sink: message {0} not relayed: {1}", id, ex.Message);
            // No reply text: a failure of this sink, which its fallback may catch (SinkSupervisor).
            return new SinkProtocol.TemporaryFailure(id, $"relay sink: {ex.Message}", 451, "4.4.1");
        }
    }

    /// <summary>The destination of the first recipient; every other must share it (the connection's RCPT check ensures it).</summary>
    private async Task<DestinationLookup> DestinationAsync(SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        DestinationLookup? first = null;
        foreach (var domain in envelope.RcptTo.Select(Domain).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var lookup = await _destinations.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
            if (lookup.IsRefused)
                return lookup;
            first ??= lookup;
            // Without the RCPT check, two destinations would share one reply: refuse rather than half-deliver.
            if (!string.Equals(lookup.Key, first.Key, StringComparison.OrdinalIgnoreCase))
                return DestinationLookup.Refused(554, "5.5.3", "Recipients of more than one destination in one transaction");
        }
        return first ?? DestinationLookup.Refused(554, "5.5.1", "No valid recipients");
    }

    private static string Domain(string address) => address[(address.LastIndexOf('@') + 1)..];

    private static SinkProtocol.Result Refused(string id, int code, string enhancedCode, string text) =>
        code is >= 400 and < 500
            ? new SinkProtocol.TemporaryFailure(id, $"upstream: {code} {enhancedCode} {text}", code, enhancedCode, text)
            : new SinkProtocol.PermanentFailure(id, code, enhancedCode, text);
}
