using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Policies;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// The policy types a server can create, by the <c>type</c> an entry of <c>actorsmtp.policies</c> names. Empty at
/// first; the <c>actorsmtp</c> executable registers <c>recipients</c> and <c>http</c>. A type the catalog does not
/// know is loaded by assembly-qualified class name: a <see cref="PolicyActor"/> with a public constructor taking
/// its entry (<see cref="Config"/>).
/// </summary>
public sealed class PolicyCatalog
{
    private readonly Dictionary<string, Type> _types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Entries of <c>type = <paramref name="type"/></c> are <typeparamref name="TPolicy"/> actors made with their entry.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TPolicy"/> has no public constructor taking a <see cref="Config"/>.</exception>
    public PolicyCatalog Register<TPolicy>(string type) where TPolicy : PolicyActor
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        SinkTypes.Check(typeof(TPolicy), type);
        _types[type] = typeof(TPolicy);
        return this;
    }

    /// <summary>The class <paramref name="type"/> names: registered, or loaded by assembly-qualified name.</summary>
    internal Type Resolve(string type, string key)
    {
        if (_types.TryGetValue(type, out var registered))
            return registered;
        var loaded = SinkTypes.TryLoad(type);
        if (loaded is null || !typeof(PolicyActor).IsAssignableFrom(loaded) || loaded.GetConstructor([typeof(Config)]) is null)
            throw new SettingsException(key, $"unknown policy type '{type}' (known: {string.Join(", ", _types.Keys.Order())}; " +
                                             "or the assembly-qualified name of a PolicyActor with a public constructor taking Akka.Configuration.Config)");
        return loaded;
    }

    internal static Props Props(Type type, Config config) => Akka.Actor.Props.CreateBy(new ConfiguredActor(type, config));
}
