using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ActorSmtp.Server.Hosting;

namespace ActorSmtp.Cluster;

/// <summary>
/// GET /cluster on <c>actorsmtp.cluster.view</c>: the members as this node sees them (address, roles, status,
/// reachability, leader) and each reachable member's numbers (<see cref="NodeInfoActor.Info"/>), as JSON.
/// A plain <see cref="HttpListener"/>: no web framework for one read-only document.
/// </summary>
public sealed class ClusterViewServer : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };

    private readonly ActorSystem _system;
    private readonly HttpListener _http = new();
    private readonly ILoggingAdapter _log;

    public ClusterViewServer(ActorSystem system, IPAddress address, int port)
    {
        _system = system;
        _log = Logging.GetLogger(system, typeof(ClusterViewServer));
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "+" : address.ToString();
        Url = $"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host)}:{port}/";
        _http.Prefixes.Add(Url);
        _http.Start();
        _ = HttpEndpoint.ServeAsync(_http, AnswerAsync);
    }

    public string Url { get; }

    public void Dispose()
    {
        try { _http.Close(); } catch (ObjectDisposedException) { }
    }

    /// <summary>The document GET /cluster returns, as JSON (also served next to /metrics).</summary>
    public static async Task<byte[]> JsonAsync(ActorSystem system) =>
        JsonSerializer.SerializeToUtf8Bytes(await ViewAsync(system).ConfigureAwait(false), Json);

    /// <summary>The document GET /cluster returns.</summary>
    public static async Task<object> ViewAsync(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var members = await Task.WhenAll(state.Members.Select(async m =>
        {
            var reachable = !state.Unreachable.Contains(m);
            NodeInfoActor.Info? info = null;
            if (reachable && m.Status == MemberStatus.Up)
            {
                try
                {
                    info = await system.ActorSelection(new RootActorPath(m.Address) / "user" / NodeInfoActor.Name)
                        .Ask<NodeInfoActor.Info>(NodeInfoActor.GetInfo.Instance, TimeSpan.FromSeconds(2));
                }
                catch (Exception ex) when (ex is AskTimeoutException or ActorNotFoundException)
                {
                }
            }
            return new
            {
                address = m.Address.ToString(),
                roles = m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToArray(),
                status = m.Status.ToString().ToLowerInvariant(),
                reachable,
                sessions = info?.Sessions,
                storage = info?.Storage,
                forwarded = info?.Forwarded,
                counters = info?.Counters,
            };
        }));
        return new
        {
            self = cluster.SelfAddress.ToString(),
            leader = state.Leader?.ToString(),
            members,
        };
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        if (context.Request.HttpMethod != "GET" || context.Request.Url?.AbsolutePath.TrimEnd('/') is not ("/cluster" or ""))
        {
            await HttpEndpoint.RespondAsync(context, 404, "text/plain", []).ConfigureAwait(false);
            return;
        }
        byte[] body;
        try
        {
            body = await JsonAsync(_system).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.Warning(ex, "Cluster view request failed");
            await HttpEndpoint.RespondAsync(context, 500, "text/plain", []).ConfigureAwait(false);
            return;
        }
        await HttpEndpoint.RespondAsync(context, 200, "application/json", body).ConfigureAwait(false);
    }
}
