using Akka.Actor;

namespace ActorSmtp.Mailbox.Release;

/// <summary>
/// Where <c>POST /api/v1/messages/{id}/release</c> sends a captured message: the relay sink named by
/// <c>actorsmtp.mailbox.release-sink</c>, found when a release asks for it (the server starts after the routes exist).
/// </summary>
/// <param name="Name">The sink's name under <c>actorsmtp.sinks</c>.</param>
/// <param name="Sink">Its running supervisor; null while the server has not started it.</param>
/// <param name="Timeout">How long the sink may take to answer (its timeout and fallbacks, as for SMTP clients).</param>
public sealed record ReleaseTarget(string Name, Func<IActorRef?> Sink, TimeSpan Timeout);
