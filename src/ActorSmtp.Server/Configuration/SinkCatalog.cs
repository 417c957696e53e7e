using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// The sink types a server can create, by the <c>type</c> a sink's HOCON block names. A new catalog knows the
/// server's own <c>null</c> and <c>reject</c> (and <c>fan-out</c> is the router's); whoever composes the server
/// registers the rest by class — the <c>actorsmtp</c> executable adds <c>file</c> and <c>azure-blob</c> — or by a
/// function, which may take dependencies a HOCON block cannot give (an HttpClient, a database pool). A type the
/// catalog does not know is loaded by assembly-qualified class name.
/// </summary>
/// <remarks>
/// A type registered by class is checked like one named by class: its block may hold the keys every sink has plus
/// those the class declares (<see cref="ConfigKeysAttribute"/>) or, without that, those its blocks in the reference
/// configuration show; and the class checks its block itself when it implements <see cref="IValidatesConfig"/>.
/// A type registered by a function owns its block.
/// </remarks>
public sealed class SinkCatalog
{
    private readonly Dictionary<string, Registration> _types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The policy types (<c>actorsmtp.policies</c>) this server can create, registered alongside the sinks.</summary>
    public PolicyCatalog Policies { get; } = new();

    /// <summary>A catalog of the server's own sink types: <c>null</c> and <c>reject</c>.</summary>
    public SinkCatalog()
    {
        Register<NullSink>("null");
        Register<RejectSink>("reject");
    }

    /// <summary>Sinks of <c>type = <paramref name="type"/></c> are created by <paramref name="create"/> from their HOCON block.</summary>
    public SinkCatalog Register(string type, Func<Config, Props> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(create);
        _types[type] = new Registration(type, create, null);
        return this;
    }

    /// <summary>Sinks of <c>type = <paramref name="type"/></c> are <typeparamref name="TSink"/> actors made with their HOCON block.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TSink"/> has no public constructor taking a <see cref="Config"/>.</exception>
    public SinkCatalog Register<TSink>(string type) where TSink : ActorBase
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        SinkTypes.Check(typeof(TSink), type);
        _types[type] = new Registration(type, config => Props.CreateBy(new ConfiguredActor(typeof(TSink), config)), typeof(TSink));
        return this;
    }

    /// <summary>
    /// What <paramref name="type"/> names here: a registered type, or the assembly-qualified name of a class registered
    /// under a name (so it is checked as that name is); null when neither.
    /// </summary>
    internal Registration? Find(string type)
    {
        if (_types.TryGetValue(type, out var registered))
            return registered;
        return SinkTypes.TryLoad(type) is { } named ? _types.Values.FirstOrDefault(r => r.ActorType == named) : null;
    }

    internal (Props Props, Type? ActorType) Resolve(string type, Config config, string key)
    {
        if (Find(type) is { } registered)
            return (registered.Create(config), registered.ActorType);
        var actorType = SinkTypes.Load(type, key, _types.Keys);
        return (Props.CreateBy(new ConfiguredActor(actorType, config)), actorType);
    }

    /// <summary>A registered sink type: how its actors are made, and their class when it was registered by class.</summary>
    internal sealed record Registration(string Name, Func<Config, Props> Create, Type? ActorType);
}
