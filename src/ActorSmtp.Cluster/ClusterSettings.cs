using System.Net;
using Akka.Configuration;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Cluster;

/// <summary>
/// <c>actorsmtp.cluster</c>: several ActorSmtp nodes as one Akka.Cluster. Off by default: a single node
/// needs no cluster, and then none of the <c>akka.cluster</c>/<c>akka.remote</c> machinery is started (nor even
/// loaded: ActorSmtp.Server reads only <see cref="ActorSmtpSettings.ClusterEnabled"/>, and the rest is read here).
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The role of nodes that speak SMTP.</summary>
    public const string SmtpRole = "smtp";

    /// <summary>The role of nodes that own the sinks; nodes without it send messages to a node with it.</summary>
    public const string StorageRole = "storage";

    /// <summary>Where these settings live.</summary>
    public const string Section = ActorSmtpSettings.Root + ".cluster";

    public static readonly ClusterSettings Off = new()
    {
        Enabled = false, Hostname = "127.0.0.1", Port = 0, SeedNodes = [], Roles = [SmtpRole, StorageRole],
        DownUnreachableAfter = TimeSpan.FromSeconds(20), View = ClusterViewSettings.Off,
    };

    public required bool Enabled { get; init; }

    /// <summary>Address remoting binds to (and advertises, unless <see cref="PublicHostname"/> is set).</summary>
    public required string Hostname { get; init; }

    /// <summary>Remoting port; 0 picks an ephemeral one (fine for a node no other node names as a seed).</summary>
    public required int Port { get; init; }

    /// <summary>The name other nodes reach this one by, when it differs from <see cref="Hostname"/> (NAT, containers).</summary>
    public string? PublicHostname { get; init; }

    /// <summary>"host:port" (or full "akka.tcp://system@host:port") of the nodes to join; empty: this node founds the cluster.</summary>
    public required IReadOnlyList<string> SeedNodes { get; init; }

    /// <summary><see cref="SmtpRole"/> and/or <see cref="StorageRole"/> (other roles are kept, for the user's own use).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>How long a member must stay unreachable before the split-brain resolver downs it (keep-majority).</summary>
    public required TimeSpan DownUnreachableAfter { get; init; }

    /// <summary>The HTTP cluster view.</summary>
    public required ClusterViewSettings View { get; init; }

    public bool SpeaksSmtp => !Enabled || Roles.Contains(SmtpRole);

    public bool OwnsStorage => !Enabled || Roles.Contains(StorageRole);

    /// <summary>Reads and validates <c>actorsmtp.cluster</c>; throws <see cref="SettingsException"/> naming the bad key.</summary>
    /// <remarks>Its keys and their shapes are checked with the rest by <see cref="ActorSmtpSettings.FromConfig"/> (strict configuration).</remarks>
    public static ClusterSettings FromConfig(Config config) =>
        From(new ConfigReader(config.GetConfig(Section) ?? Config.Empty, Section));

    internal static ClusterSettings From(ConfigReader section)
    {
        if (!section.Config.HasPath("enabled") || !section.Bool("enabled"))
            return Off with { View = ClusterViewSettings.From(section.Section("view")) };
        var roles = section.Strings("roles").Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToArray();
        if (!roles.Contains(SmtpRole) && !roles.Contains(StorageRole))
            throw new SettingsException(section.Key("roles"), $"needs {SmtpRole}, {StorageRole} or both");
        var seeds = section.Strings("seed-nodes").ToArray();
        foreach (var seed in seeds)
            if (!IsSeed(seed))
                throw new SettingsException(section.Key("seed-nodes"), $"'{seed}' is neither host:port nor akka.tcp://system@host:port");
        var hostname = section.String("hostname");
        if (hostname.Length == 0)
            throw new SettingsException(section.Key("hostname"), "must not be empty");
        var publicHostname = section.Config.HasPath("public-hostname") ? section.Config.GetString("public-hostname") : "";
        return new ClusterSettings
        {
            Enabled = true,
            Hostname = hostname,
            PublicHostname = string.IsNullOrEmpty(publicHostname) ? null : publicHostname,
            Port = section.Int("port", min: 0, max: 65535),
            SeedNodes = seeds,
            Roles = roles,
            DownUnreachableAfter = section.Duration("down-unreachable-after", TimeSpan.FromMilliseconds(100)),
            View = ClusterViewSettings.From(section.Section("view")),
        };
    }

    /// <summary>
    /// The Akka settings this cluster needs, to put in front of the rest of the configuration before the
    /// actor system is created: cluster provider, remoting endpoint, roles, split-brain resolver (keep-majority)
    /// and graceful leave on shutdown. Empty when the cluster is off. The executable adds it to its Akka.Hosting
    /// configuration; tests and embedders put it in front of theirs.
    /// </summary>
    public Config AkkaConfig()
    {
        if (!Enabled)
            return Config.Empty;
        var roles = string.Join(", ", Roles.Select(Quote));
        var publicHostname = PublicHostname is null ? "" : $"public-hostname = {Quote(PublicHostname)}";
        return ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = {{Quote(Hostname)}}
                port = {{Port}}
                {{publicHostname}}
              }
              cluster {
                roles = [{{roles}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver.active-strategy = keep-majority
              }
            }
            """).WithFallback(TuningConfig());
    }

    /// <summary>
    /// When the resolver acts, how soon counters replicate, and leaving on shutdown.
    /// </summary>
    private Config TuningConfig() => !Enabled ? Config.Empty : ConfigurationFactory.ParseString($$"""
        akka {
          cluster {
            # Seed nodes are joined by ActorSmtp itself (actorsmtp.cluster.seed-nodes).
            seed-nodes = []
            split-brain-resolver.stable-after = {{(long)DownUnreachableAfter.TotalMilliseconds}}ms
            run-coordinated-shutdown-when-down = on
            # Per-client counters (ClusterClientCounters): see other nodes' counts sooner.
            distributed-data.notify-subscribers-interval = 100ms
          }
          # Leaving gracefully: stopping the host (or the actor system) runs coordinated shutdown,
          # which makes the node leave the cluster before it stops.
          coordinated-shutdown {
            run-by-actor-system-terminate = on
            terminate-actor-system = on
          }
        }
        """);

    private static bool IsSeed(string seed)
    {
        if (seed.StartsWith("akka.tcp://", StringComparison.Ordinal) || seed.StartsWith("akka://", StringComparison.Ordinal))
            return Uri.TryCreate(seed, UriKind.Absolute, out var uri) && uri.Port > 0;
        var colon = seed.LastIndexOf(':');
        return colon > 0 && int.TryParse(seed.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary><c>actorsmtp.cluster.view</c>: a small HTTP endpoint with the members, their roles, sessions and counters as JSON.</summary>
public sealed record ClusterViewSettings(bool Enabled, IPAddress Address, int Port)
{
    public static readonly ClusterViewSettings Off = new(false, IPAddress.Loopback, 0);

    internal static ClusterViewSettings From(ConfigReader section)
    {
        if (!section.Config.HasPath("enabled") || !section.Bool("enabled"))
            return Off;
        var address = section.String("address");
        if (!IPAddress.TryParse(address, out var ip))
            throw new SettingsException(section.Key("address"), $"'{address}' is not an IP address");
        return new ClusterViewSettings(true, ip, section.Int("port", min: 0, max: 65535));
    }
}
