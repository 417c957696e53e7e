using System.Net.Http.Json;
using Akka.Configuration;
using Akka.Event;
using ActorSmtp.Sinks;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSmtp.Policies.Http;

/// <summary>
/// <c>type = http</c>: asks an HTTP endpoint about each check. POSTs one small JSON document (the stage, the client,
/// HELO, MAIL FROM and its parameters, the recipient and those accepted so far, the AUTH identity, TLS, tags) and
/// takes the verdict from the answer, <c>{"action":"reject","code":550,"enhanced":"5.1.1","text":"…"}</c>.
/// </summary>
/// <remarks>
/// <para>
/// <c>{ type = http, url = "http://127.0.0.1:9000/policy", stages = [rcpt], timeout = 2s, on-timeout = defer,
/// cache-ttl = 0s, headers { Authorization = "env:POLICY_TOKEN" } }</c>. A header value <c>env:NAME</c> is read from
/// the environment variable NAME at start, so a token need not be in the file; header values are never logged.
/// </para>
/// <para>
/// Never retried: a status other than 2xx, a connection error, an answer that is not the JSON above, or no answer
/// within <c>timeout</c> (the request is then cancelled) is a failure, answered with the entry's <c>on-timeout</c>.
/// Redirects are not followed. With <c>cache-ttl</c> above zero, a verdict answers for its key (the stage, the value
/// checked and, at connect and HELO, the client's address) for that long without a request; at most
/// <see cref="VerdictCache.DefaultCapacity"/> are kept, the oldest dropped first. Failures are not cached.
/// </para>
/// </remarks>
[ConfigKeys("url", "cache-ttl", "headers")]
[PolicyStages(PolicyStage.RcptTo)]
public sealed class HttpPolicy : PolicyActor, IValidatesConfig
{
    // Design: stateless apart from its settings and the cache; checks run concurrently off the actor, each one POST
    // on keep-alive connections the factory's handler pools. The handler lives as long as the actor (PostStop disposes
    // it) and recycles connections itself, so DNS changes are still seen.
    private const string ClientName = "actorsmtp-http-policy";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HttpPolicySettings _settings;
    private readonly ServiceProvider _services;
    private readonly IHttpClientFactory _clients;
    private readonly VerdictCache? _cache;
    private readonly CancellationTokenSource _stopping = new();

    public HttpPolicy(Config config)
    {
        _settings = HttpPolicySettings.From(config);
        _services = Services(_settings);
        _clients = _services.GetRequiredService<IHttpClientFactory>();
        _cache = _settings.CacheTtl > TimeSpan.Zero ? new VerdictCache(_settings.CacheTtl, TimeProvider.System) : null;
    }

    /// <summary>Checks the entry as the constructor reads it: <c>url</c> absolute http(s), <c>cache-ttl</c> ≥ 0, <c>env:</c> headers set.</summary>
    public static void ValidateConfig(Config config) => _ = HttpPolicySettings.From(config);

    protected override ValueTask<PolicyProtocol.Verdict> CheckAsync(PolicyProtocol.Check check)
    {
        if (_cache is null)
            return new ValueTask<PolicyProtocol.Verdict>(AskAsync(check));
        var key = VerdictCache.KeyOf(check);
        return _cache.TryGet(key, out var cached)
            ? ValueTask.FromResult(cached) // answered inside the receive, no request, no continuation
            : new ValueTask<PolicyProtocol.Verdict>(AskAndCacheAsync(check, key, _cache));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _services.Dispose();
        _stopping.Dispose();
        base.PostStop();
    }

    private async Task<PolicyProtocol.Verdict> AskAndCacheAsync(PolicyProtocol.Check check, string key, VerdictCache cache)
    {
        var verdict = await AskAsync(check).ConfigureAwait(false);
        cache.Add(key, verdict);
        return verdict;
    }

    private async Task<PolicyProtocol.Verdict> AskAsync(PolicyProtocol.Check check)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(_settings.Timeout);
        try
        {
            using var response = await _clients.CreateClient(ClientName)
                .PostAsJsonAsync(_settings.Url, HookRequest.Of(check), HookJson.Default.HookRequest, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync(HookJson.Default.HookAnswer, deadline.Token).ConfigureAwait(false);
            return (answer ?? throw new InvalidDataException("the answer is JSON null")).ToVerdict();
        }
        catch (Exception ex)
        {
            var reason = deadline.IsCancellationRequested && !_stopping.IsCancellationRequested
                ? $"no answer within {_settings.Timeout}"
                : ex.Message;
            // The path only: a query may hold a key, and the headers are never logged.
            _log.Warning("http policy: {0} check at {1} failed: {2}", HookRequest.StageName(check.Stage), _settings.Url.GetLeftPart(UriPartial.Path), reason);
            throw;
        }
    }

    private static ServiceProvider Services(HttpPolicySettings settings)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the entry's timeout applies, through the cancellation
                foreach (var (name, value) in settings.Headers)
                    client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // a redirect would be a second request
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers(); // the factory's loggers could write the request headers
        return services.BuildServiceProvider();
    }
}
