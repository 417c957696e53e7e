using System.Net;
using Akka.Configuration;
using Akka.Event;
using ActorSmtp.Sinks;

namespace ActorSmtp.Samples.WebhookSink;

/// <summary>
/// A sample custom sink: POSTs each message to an HTTP endpoint and answers by the endpoint's status.
/// </summary>
/// <remarks>
/// <para>
/// HOCON: <c>{ type = "ActorSmtp.Samples.WebhookSink.WebhookSink, ActorSmtp.Samples.WebhookSink", url =
/// "https://hooks.example.com/mail", timeout = 30s, secret = "", headers { X-Api-Key = "..." } }</c>; or
/// registered in code with an <see cref="HttpClient"/> of your own (see the README).
/// </para>
/// <para>
/// The request is <c>multipart/form-data</c>: part <c>envelope</c> (JSON: id, mail-from, rcpt-to, client,
/// helo, tls, message-id, subject, ...), then part <c>message</c> (<c>message/rfc822</c>, exactly the bytes
/// received, streamed with chunked encoding as they arrive). Headers: <c>X-ActorSmtp-Id</c>,
/// <c>X-ActorSmtp-Timestamp</c> (Unix seconds) and, with a <c>secret</c>, <c>X-ActorSmtp-Signature:
/// sha256=HEX</c>, the HMAC-SHA256 of <c>timestamp "." envelope-part</c>.
/// </para>
/// <para>
/// Answers: 2xx after the whole message was sent → Stored (Location: the response's Location header, or
/// the URL). A 4xx is the endpoint's verdict on the request, but only three speak about the message
/// itself and become permanent: 400 and 422 → 554 5.7.1, 413 → 552 5.3.4; the sender's MTA bounces the
/// message. Every other 4xx (401/403: our credentials, 404/410: our URL, 408, 429: the moment) says
/// something about this setup, not the message: 451, so nothing bounces while an operator fixes it. 3xx
/// (not followed: the body cannot be sent twice), 5xx, network errors, the timeout, a body that fails
/// midway → 451 4.3.0. A 2xx that arrives after the deadline still counts as 451 (the base class
/// decides), so an endpoint may see a message twice: deduplicate on the Message-ID if that matters.
/// </para>
/// </remarks>
[ConfigKeys("url", "secret", "headers")] // with the sink's own `timeout`: any other key in its block stops start-up
public sealed class WebhookSink : MessageSinkActor, IValidatesConfig
{
    // Design: stateless apart from its settings; the base runs stores concurrently, each one POST. The
    // HttpClient is shared (connection pool); one made here for HOCON-configured sinks, one of the user's
    // when registered in code.
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2), // DNS changes are seen
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan, // the sink's own timeout applies
    });

    private readonly WebhookSettings _settings;
    private readonly HttpClient _client;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Creates the sink from its HOCON block, with a shared <see cref="HttpClient"/>.</summary>
    /// <exception cref="ConfigurationException"><c>url</c> is missing or a setting is invalid.</exception>
    public WebhookSink(Config config)
        : this(config, SharedClient.Value)
    {
    }

    /// <summary>Creates the sink from its HOCON block with <paramref name="client"/> (its handler, proxy, certificates).</summary>
    /// <remarks>Turn off the client's automatic redirects: a redirected POST cannot send the body again.</remarks>
    /// <exception cref="ConfigurationException"><c>url</c> is missing or a setting is invalid.</exception>
    public WebhookSink(Config config, HttpClient client)
    {
        _settings = WebhookSettings.From(config);
        _client = client;
    }

    /// <summary>Checks the block as the constructors read it (ActorSmtp calls it at start-up and in check-config).</summary>
    /// <exception cref="ConfigurationException"><c>url</c> is missing or a setting is invalid.</exception>
    public static void ValidateConfig(Config config) => _ = WebhookSettings.From(config);

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_settings.Timeout);
        var (request, message) = WebhookRequest.Create(_settings, store, DateTimeOffset.UtcNow);
        try
        {
            using (request)
            using (var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false))
                return Outcome(store.MessageId, response, message.Sent);
        }
        catch (Exception ex)
        {
            var reason = deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? $"no answer within {_settings.Timeout}"
                : (ex.InnerException ?? ex).Message;
            _log.Warning("webhook sink: message {0} not delivered: {1}", store.MessageId, reason);
            return new SinkProtocol.TemporaryFailure(store.MessageId, $"webhook: {reason}");
        }
    }

    private SinkProtocol.Result Outcome(string id, HttpResponseMessage response, bool sent)
    {
        var status = (int)response.StatusCode;
        switch (status)
        {
            case >= 200 and < 300 when sent:
                var location = response.Headers.Location is { } l ? new Uri(_settings.Url, l) : _settings.Url;
                return new SinkProtocol.Stored(id, location.AbsoluteUri);
            case >= 200 and < 300:
                return new SinkProtocol.TemporaryFailure(id, $"webhook: answered {status} before it had the whole message");
            case (int)HttpStatusCode.RequestEntityTooLarge:
                return new SinkProtocol.PermanentFailure(id, 552, "5.3.4", "Message too big for the destination");
            case (int)HttpStatusCode.BadRequest or (int)HttpStatusCode.UnprocessableEntity:
                return new SinkProtocol.PermanentFailure(id, 554, "5.7.1", "Message refused by the destination");
            default:
                _log.Warning("webhook sink: message {0}: {1} answered {2} {3}", id, _settings.Url.GetLeftPart(UriPartial.Path), status, response.ReasonPhrase);
                return new SinkProtocol.TemporaryFailure(id, $"webhook: answered {status} {response.ReasonPhrase}");
        }
    }
}
