using Akka.Actor;
using Akka.Configuration;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// The sink types a server can create, by the <c>type</c> a sink's HOCON block names: the built-in aliases
/// and actor classes named by assembly-qualified name (see <see cref="SinkTypes"/>), plus types registered
/// here in code — which may take dependencies a HOCON block cannot give (an HttpClient, a database pool).
/// </summary>
public sealed class SinkCatalog
{
    private readonly Dictionary<string, Func<Config, Props>> _registered = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Type> _registeredTypes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sinks of <c>type = <paramref name="type"/></c> are created by <paramref name="create"/> from their HOCON block.</summary>
    public SinkCatalog Register(string type, Func<Config, Props> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        _registered[type] = create;
        _registeredTypes.Remove(type); // made by a function: its block is its own
        return this;
    }

    /// <summary>Sinks of <c>type = <paramref name="type"/></c> are <typeparamref name="TSink"/> actors made with their HOCON block.</summary>
    public SinkCatalog Register<TSink>(string type) where TSink : ActorBase
    {
        SinkTypes.Check(typeof(TSink), type);
        Register(type, config => Props.Create(typeof(TSink), config));
        _registeredTypes[type] = typeof(TSink); // its declared keys and its validation apply
        return this;
    }

    /// <summary>Whether <paramref name="type"/> was registered here, and the actor class when it was registered by class.</summary>
    internal bool IsRegistered(string type, out Type? actorType)
    {
        actorType = _registeredTypes.GetValueOrDefault(type);
        return _registered.ContainsKey(type);
    }

    internal (Props Props, Type? ActorType) Resolve(string type, Config config, string key)
    {
        if (_registered.TryGetValue(type, out var create))
            return (create(config), null);
        var actorType = SinkTypes.Resolve(type, key);
        return (Props.CreateBy(new ConfiguredSink(actorType, config)), actorType);
    }

    /// <summary>
    /// Creates a sink from its block. Not <c>Props.Create(type, config)</c>: when a constructor throws, Akka's
    /// error names the Props' arguments, and a sink's block may hold secrets (an account key, a password).
    /// </summary>
    private sealed class ConfiguredSink(Type actorType, Config config) : IIndirectActorProducer
    {
        public Type ActorType => actorType;

        public ActorBase Produce()
        {
            try
            {
                return (ActorBase)Activator.CreateInstance(actorType, config)!;
            }
            catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw; // unreachable
            }
        }

        public void Release(ActorBase actor)
        {
        }
    }
}
