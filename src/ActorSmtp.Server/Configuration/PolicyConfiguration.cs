using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorSmtp.Policies;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Reads <c>actorsmtp.policies</c>: each entry's <c>type</c>, <c>stages</c>, <c>timeout</c> and <c>on-timeout</c>, and
/// checks the rest of the entry against the keys its type declares (<see cref="ActorSmtp.Sinks.ConfigKeysAttribute"/>)
/// and its own validation (<see cref="ActorSmtp.Sinks.IValidatesConfig"/>).
/// </summary>
internal static class PolicyConfiguration
{
    /// <summary>The keys every policy entry has; the defaults apply when an entry leaves them out.</summary>
    public const string EveryPolicy = """type = "", stages = [], timeout = 2s, on-timeout = defer""";

    private static readonly IReadOnlyDictionary<string, PolicyStage> StageNames = new Dictionary<string, PolicyStage>(StringComparer.OrdinalIgnoreCase)
    {
        ["connect"] = PolicyStage.Connect,
        ["helo"] = PolicyStage.Helo,
        ["mail"] = PolicyStage.MailFrom,
        ["rcpt"] = PolicyStage.RcptTo,
    };

    public static readonly PolicyProtocol.Verdict Deferred = new PolicyProtocol.Defer(451, "4.3.0", "Policy unavailable, try again later");

    public static IReadOnlyList<PolicySettings> Read(ConfigReader root, PolicyCatalog catalog)
    {
        if (!root.Config.HasPath("policies"))
            return [];
        return root.Config.GetValue("policies").GetArray()
            .Select((item, i) => Entry(new ConfigReader(new Config(new HoconRoot(item)), root.Key($"policies[{i}]")), catalog))
            .ToArray();
    }

    /// <summary>The policy a sink asks for (<see cref="SinkPolicyAttribute"/>), made with its block, for its recipients; none for most sinks.</summary>
    public static IEnumerable<PolicySettings> OfSink(SinkSettings sink)
    {
        if (sink.ActorType?.GetCustomAttributes(typeof(SinkPolicyAttribute), false) is not [SinkPolicyAttribute wanted])
            yield break;
        var stages = wanted.Policy.GetCustomAttributes(typeof(PolicyStagesAttribute), false) is [PolicyStagesAttribute declared]
            ? declared.Stages.ToHashSet() : Enum.GetValues<PolicyStage>().ToHashSet();
        // Its own timeout is the sink's lookups' (DNS has one of its own); this only bounds a policy that hangs.
        yield return new PolicySettings($"sinks.{sink.Name} ({wanted.Policy.Name})", sink.Config, PolicyCatalog.Props(wanted.Policy, sink.Config),
            stages, TimeSpan.FromSeconds(30), Deferred) { ForSink = sink.Name };
    }

    private static PolicySettings Entry(ConfigReader entry, PolicyCatalog catalog)
    {
        var typeName = entry.String("type");
        var type = catalog.Resolve(typeName, entry.Key("type"));
        CheckKeys(entry, type);
        ConfigValidation.Run(type, entry.Config, entry.Path);
        var stages = Stages(entry, type);
        var timeout = entry.Config.HasPath("timeout") ? entry.Duration("timeout", TimeSpan.FromMilliseconds(1)) : TimeSpan.FromSeconds(2);
        var onTimeout = (entry.Config.HasPath("on-timeout") ? entry.String("on-timeout") : "defer") switch
        {
            "defer" => Deferred,
            "accept" => PolicyProtocol.Accept.Instance,
            var other => throw new SettingsException(entry.Key("on-timeout"), $"must be defer or accept, not '{other}'"),
        };
        return new PolicySettings($"{entry.Path} ({typeName})", entry.Config,
            PolicyCatalog.Props(type, entry.Config), stages, timeout, onTimeout);
    }

    /// <summary>Named stages, or the type's default (<see cref="PolicyStagesAttribute"/>), or every stage.</summary>
    private static IReadOnlySet<PolicyStage> Stages(ConfigReader entry, Type type)
    {
        var names = entry.Config.HasPath("stages") ? entry.Strings("stages") : [];
        if (names.Count == 0)
            return (type.GetCustomAttributes(typeof(PolicyStagesAttribute), false) is [PolicyStagesAttribute declared]
                ? declared.Stages : Enum.GetValues<PolicyStage>()).ToHashSet();
        return names.Select(name => StageNames.TryGetValue(name, out var stage) ? stage
                : throw new SettingsException(entry.Key("stages"), $"'{name}' is not a stage (connect, helo, mail, rcpt)"))
            .ToHashSet();
    }

    /// <summary>Strict keys for the entry: the common ones and those the type declares; undeclared types own their entry.</summary>
    private static void CheckKeys(ConfigReader entry, Type type)
    {
        if (type.GetCustomAttributes(typeof(ActorSmtp.Sinks.ConfigKeysAttribute), false) is not [ActorSmtp.Sinks.ConfigKeysAttribute declared])
            return;
        var shape = KeyShape.Of(HoconText.Parse(EveryPolicy).Root).Merge(KeyShape.OfPaths(declared.Keys));
        StrictKeys.CheckBlock(entry.Config.Root, shape, entry.Path);
    }
}
