using System.Net;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorSmtp.Protocol.Proxy;
using ActorSmtp.Protocol.Session;

namespace ActorSmtp.Server.Configuration;

/// <summary>The validated <c>actorsmtp</c> configuration. Every key is documented in hocon/actorsmtp.reference.conf.</summary>
public sealed record ActorSmtpSettings
{
    public const string Root = "actorsmtp";

    public required string Hostname { get; init; }
    public required IReadOnlyList<EndpointSettings> Endpoints { get; init; }
    public required IReadOnlyList<string> AcceptedDomains { get; init; }

    /// <summary>Clients that may send to any domain (<c>relay-networks</c>), as authenticated ones may.</summary>
    public IReadOnlyList<IPNetwork> RelayNetworks { get; init; } = [];

    /// <summary>
    /// A sink relays (<see cref="ActorSmtp.Sinks.RelaysMailAttribute"/>) for anyone to any domain: no accepted domains and
    /// an endpoint without required AUTH, started anyway because <c>allow-open-relay = on</c>.
    /// </summary>
    public bool IsOpenRelay { get; init; }
    public required long MaxMessageSize { get; init; }
    public required int MaxRecipients { get; init; }

    /// <summary>Recipients over max-recipients per transaction before each further one counts as an error (<c>limits.recipient-overshoot</c>).</summary>
    public int RecipientOvershoot { get; init; } = 1000;
    public required int MaxConnections { get; init; }
    public required TimeSpan CommandTimeout { get; init; }
    public required TimeSpan DataTimeout { get; init; }
    public required int MaxErrors { get; init; }

    /// <summary>BDAT (RFC 3030 CHUNKING) is advertised and accepted (<c>actorsmtp.chunking</c>).</summary>
    public bool Chunking { get; init; } = true;

    /// <summary>Per-client limits, slow-client deadlines, content limits, PROXY peers and the shutdown grace.</summary>
    public ProtectionSettings Protection { get; init; } = ProtectionSettings.None;
    public required TimeSpan SinkTimeout { get; init; }
    public required SinkRestartSettings SinkRestart { get; init; }

    /// <summary>Users and failure handling for endpoints with AUTH.</summary>
    public required AuthSettings Auth { get; init; }

    /// <summary>Certificates for STARTTLS and implicit TLS endpoints.</summary>
    public required TlsSettings Tls { get; init; }

    /// <summary>The sink for recipients no route matches (an entry under <c>actorsmtp.sinks</c>).</summary>
    public required string Sink { get; init; }

    /// <summary>The policies (<c>actorsmtp.policies</c>), in order: asked at connect, HELO, MAIL and RCPT.</summary>
    public IReadOnlyList<PolicySettings> Policies { get; init; } = [];

    /// <summary>Scripted faults (<c>actorsmtp.faults</c>): off by default, and then no rule is ever evaluated.</summary>
    public FaultSettings Faults { get; init; } = FaultSettings.Off;

    /// <summary>SPF, DKIM, DMARC, ARC and the blocklists (<c>actorsmtp.authentication</c>, <c>dnsbl</c>, <c>dns</c>): all off by default.</summary>
    public AuthenticationSettings Authentication { get; init; } = AuthenticationSettings.Off;

    /// <summary>Every sink the server runs: the default, the routes' sinks, their fallbacks and fan-out members.</summary>
    public required IReadOnlyDictionary<string, SinkSettings> Sinks { get; init; }

    /// <summary>Recipients matching a route go to its sink; the first match wins.</summary>
    public required IReadOnlyList<SinkRoute> Routes { get; init; }

    /// <summary>How long a connection waits for the sinks' answer at most: the longest timeout chain, plus a margin.</summary>
    public required TimeSpan SinkResponseDeadline { get; init; }

    /// <summary>
    /// This node is one of several as one Akka.Cluster (<c>actorsmtp.cluster.enabled</c>); off by default. The rest of
    /// <c>actorsmtp.cluster</c> is ActorSmtp.Cluster's to read (ClusterSettings), so a single node never loads it.
    /// </summary>
    public bool ClusterEnabled { get; init; }

    /// <summary>Reads and validates the <c>actorsmtp</c> section; throws <see cref="SettingsException"/> naming the bad key.</summary>
    /// <param name="catalog">The sink types by name (by default the server's own: null, reject); others load by assembly-qualified name.</param>
    public static ActorSmtpSettings FromConfig(Config config, SinkCatalog? catalog = null)
    {
        catalog ??= new SinkCatalog();
        StrictKeys.Check(config, catalog); // first: an unknown key or a value of the wrong shape is never read as a default
        var root = new ConfigReader(config.GetConfig(Root) ?? Config.Empty, Root);
        var limits = root.Section("limits");
        var sinks = new SinkConfiguration(config, root, catalog);
        sinks.Read();

        var tls = TlsSettings.From(root.Section("tls"), limits);
        var auth = AuthSettings.From(root.Section("auth"));
        var endpoints = ReadEndpoints(root);
        if (endpoints.Any(e => e.Auth != AuthMode.Off) && auth.Users.Count == 0 && auth.Authenticator is null)
            throw new SettingsException(root.Key("auth.users"), "an endpoint offers AUTH but no users are configured");
        if (endpoints.Any(e => e.Tls != EndpointTls.None) && !tls.HasCertificate)
            throw new SettingsException(root.Key("tls"),
                "an endpoint uses TLS but no certificate is configured (certificate + key, pfx, or self-signed = on)");

        var acceptedDomains = root.Strings("accepted-domains").Select(d => d.Trim().TrimEnd('.')).ToArray();
        var openRelay = RelaysForAnyone(sinks.ReachedBySmtp, acceptedDomains, endpoints);
        if (openRelay && !root.Bool("allow-open-relay"))
            throw new SettingsException(root.Key("accepted-domains"),
                "is empty while a relay sink is configured and an endpoint does not require AUTH: anyone could relay " +
                "through this server to any domain. Set accepted-domains, or auth = required on every endpoint, or " +
                $"{root.Key("allow-open-relay")} = on if an open relay is really meant (never on the internet)");

        return new ActorSmtpSettings
        {
            IsOpenRelay = openRelay,
            Tls = tls,
            Auth = auth,
            Hostname = ReadHostname(root),
            Endpoints = endpoints,
            AcceptedDomains = acceptedDomains,
            RelayNetworks = ProtectionSettings.Networks(root, "relay-networks"),
            MaxMessageSize = limits.Bytes("max-message-size", min: 1024),
            MaxRecipients = limits.Int("max-recipients", min: 1),
            RecipientOvershoot = limits.Int("recipient-overshoot", min: 0),
            MaxConnections = limits.Int("max-connections", min: 1),
            CommandTimeout = limits.Duration("command-timeout", TimeSpan.FromSeconds(1)),
            DataTimeout = limits.Duration("data-timeout", TimeSpan.FromSeconds(1)),
            MaxErrors = limits.Int("max-errors", min: 1),
            Chunking = root.Bool("chunking"),
            Protection = ProtectionSettings.From(root, limits),
            SinkTimeout = root.Duration("sink-timeout", TimeSpan.FromMilliseconds(100)),
            SinkRestart = SinkRestartSettings.From(root.Section("sink-restart")),
            Sink = root.Name("sink"),
            Sinks = sinks.Sinks,
            Routes = sinks.Routes,
            // Then the policies of the sinks SMTP recipients are routed to (the default and the routes' targets).
            Policies = [.. PolicyConfiguration.Read(root, catalog.Policies),
                .. sinks.Routes.Select(r => r.Sink).Prepend(root.Name("sink")).Distinct().SelectMany(s => PolicyConfiguration.OfSink(sinks.Sinks[s]))],
            // A rule that matches everyone can only hurt this machine's own clients when every listener is on loopback.
            Faults = FaultConfiguration.Read(root, loopbackOnly: endpoints.All(e => e.IsLoopback)),
            Authentication = AuthenticationSettings.From(root),
            SinkResponseDeadline = sinks.ResponseDeadline() + TimeSpan.FromSeconds(1),
            ClusterEnabled = root.Config.HasPath("cluster.enabled") && root.Section("cluster").Bool("enabled"),
        };
    }

    /// <summary>The protocol policy the sessions of <paramref name="endpoint"/> run under.</summary>
    /// <param name="checkedStages">The commands that wait for the policies (none without policies).</param>
    public SmtpSessionOptions SessionOptions(EndpointSettings endpoint, CheckedStages checkedStages = CheckedStages.None) =>
        new(Hostname, MaxMessageSize, MaxRecipients, MaxErrors, AcceptedDomains,
            offerStartTls: endpoint.Tls == EndpointTls.StartTls, requireTls: endpoint.RequireTls,
            auth: endpoint.Auth, allowInsecureAuth: Auth.AllowInsecureAuth, maxAuthFailures: Auth.MaxFailures,
            maxJunkCommands: Protection.MaxJunkCommands, closeOnNonSmtpCommands: Protection.CloseOnNonSmtpCommands,
            chunking: Chunking, recipientOvershoot: RecipientOvershoot) { CheckedStages = checkedStages };

    private static bool RelaysForAnyone(IEnumerable<SinkSettings> sinks, IReadOnlyList<string> acceptedDomains, IReadOnlyList<EndpointSettings> endpoints) =>
        acceptedDomains.Count == 0 && endpoints.Any(e => e.Auth != AuthMode.Required)
        && sinks.Any(s => s.ActorType?.IsDefined(typeof(ActorSmtp.Sinks.RelaysMailAttribute), inherit: false) == true);

    private static string ReadHostname(ConfigReader root)
    {
        var hostname = root.String("hostname");
        if (hostname.Length == 0 || hostname.Any(c => c <= ' ' || c >= 127))
            throw new SettingsException(root.Key("hostname"), "must be a non-empty name without spaces");
        return hostname;
    }

    private static IReadOnlyList<EndpointSettings> ReadEndpoints(ConfigReader root)
    {
        var key = root.Key("endpoints");
        if (!root.Config.HasPath("endpoints"))
            throw new SettingsException(key, "missing");
        var items = root.Config.GetValue("endpoints").GetArray();
        if (items.Count == 0)
            throw new SettingsException(key, "at least one endpoint is needed");
        return items.Select((item, i) => Endpoint(new ConfigReader(new Config(new HoconRoot(item)), $"{key}[{i}]"))).ToArray();
    }

    private static EndpointSettings Endpoint(ConfigReader endpoint)
    {
        var address = endpoint.String("address");
        if (!IPAddress.TryParse(address, out var ip))
            throw new SettingsException(endpoint.Key("address"), $"'{address}' is not an IP address");
        var backlog = endpoint.Config.HasPath("backlog") ? endpoint.Int("backlog", min: 1) : 1024;
        var tls = endpoint.Config.HasPath("tls") ? endpoint.String("tls") : "none";
        var mode = tls switch
        {
            "none" => EndpointTls.None,
            "starttls" => EndpointTls.StartTls,
            "implicit" => EndpointTls.Implicit,
            _ => throw new SettingsException(endpoint.Key("tls"), $"must be none, starttls or implicit, not '{tls}'"),
        };
        var requireTls = endpoint.Config.HasPath("require-tls") && endpoint.Bool("require-tls");
        var auth = (endpoint.Config.HasPath("auth") ? endpoint.String("auth") : "off") switch
        {
            "off" or "False" or "false" => AuthMode.Off,
            "optional" => AuthMode.Optional,
            "required" => AuthMode.Required,
            var other => throw new SettingsException(endpoint.Key("auth"), $"must be off, optional or required, not '{other}'"),
        };
        if (requireTls && mode == EndpointTls.None)
            throw new SettingsException(endpoint.Key("require-tls"), "needs tls = starttls or implicit");
        ProxyProtocolVersions? proxy = (endpoint.Config.HasPath("proxy-protocol") ? endpoint.String("proxy-protocol") : "off") switch
        {
            "off" or "False" or "false" => null,
            "v1" => ProxyProtocolVersions.V1,
            "v2" => ProxyProtocolVersions.V2,
            "any" => ProxyProtocolVersions.Any,
            var other => throw new SettingsException(endpoint.Key("proxy-protocol"), $"must be off, v1, v2 or any, not '{other}'"),
        };
        return new EndpointSettings(ip, endpoint.Int("port", min: 0, max: 65535), backlog, mode, requireTls, auth, proxy);
    }
}

/// <summary>Backoff for restarting a crashed sink.</summary>
public sealed record SinkRestartSettings(TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor)
{
    internal static SinkRestartSettings From(ConfigReader section)
    {
        var min = section.Duration("min-backoff", TimeSpan.FromMilliseconds(1));
        var max = section.Duration("max-backoff", min);
        return new SinkRestartSettings(min, max, section.Double("random-factor", 0, 1));
    }
}
