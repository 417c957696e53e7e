using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster;

namespace ActorSmtp.Cluster;

/// <summary>
/// GET /cluster (on <c>actorsmtp.cluster.view</c> and next to /metrics): the members as this node sees them (address,
/// roles, status, reachability, leader) and each reachable member's numbers (<see cref="NodeInfoActor.Info"/>), as
/// JSON. The host serves it over HTTP.
/// </summary>
public static class ClusterViewServer
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };

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
}
