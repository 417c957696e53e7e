using Akka.Actor;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorSmtp.Server.Configuration;

/// <summary>Reads <c>sink</c>, <c>routes</c> and the sinks they reach (with their fallbacks and fan-out members).</summary>
internal sealed class SinkConfiguration(Config config, ConfigReader root, SinkCatalog catalog)
{
    public const string FanOutType = "fan-out";

    private readonly Dictionary<string, SinkSettings> _sinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);
    private readonly TimeSpan _defaultTimeout = root.Duration("sink-timeout", TimeSpan.FromMilliseconds(100));
    private readonly CircuitBreakerSettings _defaultBreaker = CircuitBreakerSettings.From(root.Section("sink-circuit-breaker"));
    private readonly Config _definitions = root.Config.GetConfig("sinks") ?? Config.Empty;

    public IReadOnlyDictionary<string, SinkSettings> Sinks => _sinks;

    public IReadOnlyList<SinkRoute> Routes { get; private set; } = [];

    /// <summary>The sinks SMTP clients' messages can reach (the default, routes, their fallbacks and members): not the mailbox's release sink.</summary>
    public IReadOnlyList<SinkSettings> ReachedBySmtp { get; private set; } = [];

    public void Read()
    {
        Visit(root.Name("sink"), root.Key("sink"));
        Routes = ReadRoutes();
        ReachedBySmtp = _sinks.Values.ToArray();
        // The mailbox's release sink is reached by no route, yet must run (ActorSmtp.Mailbox sends to it).
        if (root.Config.GetString("mailbox.release-sink", "") is { Length: > 0 } release && root.Section("mailbox").Bool("enabled"))
            Visit(release, root.Key("mailbox.release-sink"));
    }

    /// <summary>The longest a message can wait for its answer: a sink's timeout plus its fallback chain's.</summary>
    public TimeSpan ResponseDeadline() => _sinks.Values.Max(s => Chain(s));

    private TimeSpan Chain(SinkSettings sink) =>
        (sink.IsFanOut ? sink.Members.Select(m => Chain(_sinks[m])).DefaultIfEmpty().Max() : sink.Timeout)
        + (sink.Fallback is { } fallback ? Chain(_sinks[fallback]) : TimeSpan.Zero);

    private void Visit(string name, string referencedBy)
    {
        if (_sinks.ContainsKey(name))
            return;
        if (!_definitions.HasPath(name))
            throw new SettingsException(referencedBy, $"no sink named '{name}' under {root.Key("sinks")}");
        if (!_visiting.Add(name))
            throw new SettingsException(referencedBy, $"sink '{name}' refers back to itself (through fallback or fan-out)");
        var sink = Read(name, new ConfigReader(_definitions.GetConfig(name), root.Key($"sinks.{name}")));
        foreach (var member in sink.Members)
            Visit(member, root.Key($"sinks.{name}.sinks"));
        if (sink.Fallback is { } fallback)
            Visit(fallback, root.Key($"sinks.{name}.fallback"));
        _visiting.Remove(name);
        _sinks[name] = sink;
    }

    private SinkSettings Read(string name, ConfigReader sink)
    {
        var type = sink.Name("type");
        var fallback = sink.Config.HasPath("fallback") ? sink.String("fallback") : "";
        var timeout = sink.Config.HasPath("timeout") ? sink.Duration("timeout", TimeSpan.FromMilliseconds(100)) : _defaultTimeout;
        var breaker = CircuitBreakerSettings.From(sink.Section("circuit-breaker"), _defaultBreaker);
        if (type == FanOutType && fallback.Length > 0)
            throw new SettingsException(sink.Key("fallback"), "a fan-out has no fallback of its own; give its members one");
        if (type == FanOutType)
            return new SinkSettings(name, sink.Config, null, null, timeout, fallback.Length > 0 ? fallback : null, breaker, Members(sink));

        var (props, actorType) = catalog.Resolve(type, sink.Config, sink.Key("type"));
        // The sink's own check of its block, before anything is created: a bad `sync` is exit 2, in check-config too.
        if (actorType is not null)
            ConfigValidation.Run(actorType, sink.Config, root.Key($"sinks.{name}"));
        if (ReadDispatcher(sink) is { } dispatcher)
            props = props.WithDispatcher(dispatcher);
        return new SinkSettings(name, sink.Config, props, actorType, timeout, fallback.Length > 0 ? fallback : null, breaker, []);
    }

    private static IReadOnlyList<string> Members(ConfigReader sink)
    {
        // HOCON reads a bare `null` (the null sink's name) as no value: it names the sink, as in ConfigReader.Name.
        var members = sink.Strings("sinks").Select(member => member ?? "null").ToList();
        if (members.Count < 2)
            throw new SettingsException(sink.Key("sinks"), "a fan-out needs at least two sinks");
        if (members.Distinct().Count() != members.Count)
            throw new SettingsException(sink.Key("sinks"), "a sink is listed twice");
        return members.ToArray();
    }

    private string? ReadDispatcher(ConfigReader sink)
    {
        if (!sink.Config.HasPath("dispatcher"))
            return null;
        var dispatcher = sink.String("dispatcher");
        return config.HasPath(dispatcher) ? dispatcher
            : throw new SettingsException(sink.Key("dispatcher"), $"no dispatcher is configured at '{dispatcher}'");
    }

    private IReadOnlyList<SinkRoute> ReadRoutes()
    {
        if (!root.Config.HasPath("routes"))
            return [];
        return root.Config.GetValue("routes").GetArray().Select((item, i) =>
        {
            var route = new ConfigReader(new Config(new HoconRoot(item)), root.Key($"routes[{i}]"));
            var domains = Optional(route, "domains").Select(d => d.Trim().TrimEnd('.')).ToArray();
            var addresses = Optional(route, "addresses").Select(a => a.Trim()).ToArray();
            if (domains.Length + addresses.Length == 0)
                throw new SettingsException(route.Key("domains"), "a route needs domains or addresses to match");
            var sink = route.Name("sink");
            Visit(sink, route.Key("sink"));
            return new SinkRoute(domains, addresses, sink);
        }).ToArray();
    }

    private static IList<string> Optional(ConfigReader section, string name) =>
        section.Config.HasPath(name) ? section.Strings(name) : [];
}
