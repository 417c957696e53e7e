using Akka.Actor;
using ActorSmtp.Server.Connection;

namespace ActorSmtp.Server.Listener;

/// <summary>Creates connection actors with a plain constructor call: one shared Props, no reflection per connection.</summary>
internal sealed class ConnectionActorProducer(ConnectionSettings settings) : IIndirectActorProducer
{
    public Type ActorType => typeof(SmtpConnectionActor);

    public ActorBase Produce() => new SmtpConnectionActor(settings);

    public void Release(ActorBase actor)
    {
    }
}
