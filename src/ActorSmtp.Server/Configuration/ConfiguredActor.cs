using Akka.Actor;
using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Creates a sink or policy actor from its block. Not <c>Props.Create(type, config)</c>: when a constructor throws,
/// Akka's error names the Props' arguments, and a block may hold secrets (an account key, a password).
/// </summary>
internal sealed class ConfiguredActor(Type actorType, Config config) : IIndirectActorProducer
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
