namespace ActorSmtp.Policies;

/// <summary>
/// A policy a sink needs before the body arrives, which the server adds to the end of <c>actorsmtp.policies</c>
/// when that sink is the default sink (<c>actorsmtp.sink</c>): the relay sink's check that a transaction has one
/// destination (452 4.5.3 at RCPT otherwise, RFC 5321 §4.5.3.1.10). The policy is made with the sink's block.
/// </summary>
/// <param name="policy">A <see cref="PolicyActor"/> with a public constructor taking the sink's block (<c>Akka.Configuration.Config</c>).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SinkPolicyAttribute(Type policy) : Attribute
{
    public Type Policy { get; } = policy;
}
