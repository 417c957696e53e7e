using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// The keys ActorSmtp knows under <c>actorsmtp</c>: those of hocon/actorsmtp.reference.conf, with the shape each
/// value has there, plus what an example there cannot show (below). A named sink's block has the keys every
/// sink has plus those of its type: the ones its class declares (<see cref="ActorSmtp.Sinks.ConfigKeysAttribute"/>);
/// for a class registered under a name the reference documents (file, azure-blob, null, reject) and declaring none,
/// the ones its blocks there have; else the block is its own.
/// </summary>
internal static class ConfigSchema
{
    // One element of each list of blocks: the reference's lists are empty or show one example.
    private static readonly (string List, string Element)[] ListElements =
    [
        ("endpoints", """address = "", port = 0, backlog = 0, tls = "", require-tls = off, auth = "", proxy-protocol = "" """),
        ("policies", "*"), // an entry's keys depend on its type: PolicyConfiguration checks them
        ("faults.rules", "*"), // read by FaultConfiguration, which the HTTP API validates with too
        ("routes", """domains = [], addresses = [], sink = "" """),
        ("auth.users", """name = "", password-hash = "" """),
        ("mailbox.auth.users", """name = "", password-hash = "" """),
        ("dnsbl", """zone = "", reply = "", weight = 1 """),
        ("tls.certificates", """names = [], certificate = "", key = "", pfx = "", password = "" """),
    ];

    // Read, but not in the reference: the older name of limits.tls-handshake-timeout (it would always win there).
    private const string Aliases = "tls.handshake-timeout = 10s";

    // The keys every sink has, whatever its type (see "Named sinks" in the reference).
    private const string EverySink = """
        type = "", dispatcher = "", timeout = 1s, fallback = ""
        circuit-breaker { max-failures = 0, reset-timeout = 1s }
        """;

    // Akka's own blocks (a dispatcher, a mailbox): Akka reads them, with keys of its own.
    private static readonly string[] AkkaBlocks = ["connection-mailbox", "calling-thread-dispatcher"];

    private static readonly Lazy<KeyShape> Fixed = new(() =>
    {
        var shape = KeyShape.Of(ReferenceConfiguration.Config.GetValue(ActorSmtpSettings.Root)).Merge(Shape(Aliases));
        foreach (var (list, element) in ListElements)
            shape = shape.With(list, _ => new KeyShape(ShapeKind.List, Element: element == "*" ? KeyShape.Any : Shape(element)));
        return AkkaBlocks.Aggregate(shape, (s, block) => s.With(block, _ => KeyShape.Any));
    });

    private static readonly Lazy<KeyShape> SinkShape = new(() => Shape(EverySink));

    /// <summary>The sink types the reference documents, by type name: the keys of the reference's blocks of that type.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, KeyShape>> Documented = new(() =>
        ReferenceConfiguration.Config.GetConfig($"{ActorSmtpSettings.Root}.sinks").Root.GetObject().Items
            // `type = null` is HOCON's null, which names the null sink (as ConfigReader.Name reads it).
            .GroupBy(sink => new Config(new Akka.Configuration.Hocon.HoconRoot(sink.Value)).GetString("type") ?? "null", StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(sink => KeyShape.Of(sink.Value)).Aggregate(SinkShape.Value, (a, b) => a.Merge(b)),
                StringComparer.OrdinalIgnoreCase));

    /// <summary>The shape <paramref name="root"/> (the merged <c>actorsmtp</c> section) must have: its sinks' types and its authenticator decide those blocks.</summary>
    public static KeyShape For(ConfigReader root, SinkCatalog catalog)
    {
        // A key the reference has at the same path is known whatever the type: a configuration arrives merged with the
        // reference, so a sink named `file` given another type still holds the reference's `directory`.
        var reference = Fixed.Value.Child("sinks")!;
        var sinks = new KeyShape(ShapeKind.Block, new Dictionary<string, KeyShape>(),
            Extra: name => Sink(root.Section($"sinks.{name}"), catalog) is var own && reference.Child(name) is { } shipped ? own.Merge(shipped) : own);
        return Fixed.Value.With("sinks", _ => sinks).With("auth", auth => Authenticator(root.Section("auth")) is { } own ? auth!.Merge(own) : auth!);
    }

    private static KeyShape Sink(ConfigReader sink, SinkCatalog catalog)
    {
        if (!sink.Config.HasPath("type"))
            return KeyShape.Any; // never started (a sink needs a type), so nothing reads it
        var type = TypeName(sink, "type");
        if (type == SinkConfiguration.FanOutType)
            return SinkShape.Value.Merge(Shape("sinks = []"));
        if (catalog.Find(type) is { } registered)
            return Registered(registered);
        return SinkTypes.TryLoad(type) is { } custom ? Declared(custom) : KeyShape.Any;
    }

    private static KeyShape Registered(SinkCatalog.Registration registered)
    {
        if (registered.ActorType is null)
            return KeyShape.Any; // made by a function: its block is its own
        if (DeclaredKeys(registered.ActorType) is { } own)
            return SinkShape.Value.Merge(own);
        return Documented.Value.TryGetValue(registered.Name, out var documented) ? documented : KeyShape.Any;
    }

    /// <summary>A custom authenticator's own keys in <c>actorsmtp.auth</c>; null for the built-in one.</summary>
    private static KeyShape? Authenticator(ConfigReader auth)
    {
        var typeName = auth.Config.HasPath("authenticator") ? TypeName(auth, "authenticator") : "";
        if (typeName.Length == 0)
            return null;
        var type = SinkTypes.TryLoad(typeName);
        return type is null ? KeyShape.Any : DeclaredKeys(type) ?? KeyShape.Any;
    }

    private static KeyShape Declared(Type type) => DeclaredKeys(type) is { } own ? SinkShape.Value.Merge(own) : KeyShape.Any;

    private static KeyShape? DeclaredKeys(Type type) =>
        type.GetCustomAttributes(typeof(ActorSmtp.Sinks.ConfigKeysAttribute), inherit: false) is [ActorSmtp.Sinks.ConfigKeysAttribute declared]
            ? KeyShape.OfPaths(declared.Keys)
            : null;

    // A type name of the wrong shape (a list, a block) is reported by the walk itself: here it just names nothing.
    private static string TypeName(ConfigReader section, string key) =>
        KeyShape.KindOf(section.Config.GetValue(key)) == ShapeKind.Value ? section.Name(key) : "";

    private static KeyShape Shape(string hocon) => KeyShape.Of(HoconText.Parse(hocon).Root);
}
