using Akka.Actor;
using ActorSmtp.Protocol.Session;

namespace ActorSmtp.Server.Connection;

/// <summary>Everything a connection needs, shared by all connections of an endpoint.</summary>
internal sealed record ConnectionSettings(
    SmtpSessionOptions Session,
    TimeSpan CommandTimeout,
    TimeSpan DataTimeout,
    TimeSpan SinkTimeout,
    IActorRef Sink);
