using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Policies;

namespace ActorSmtp.Server.Configuration;

/// <summary>One entry of <c>actorsmtp.policies</c>, as the server runs it.</summary>
/// <param name="Name">How logs name it: "policies[0] (recipients)".</param>
/// <param name="Props">How to create the policy actor from its entry.</param>
/// <param name="Stages">The stages it is asked at.</param>
/// <param name="Timeout">How long a check may take before <paramref name="OnTimeout"/> answers for it.</param>
/// <param name="OnTimeout">The verdict for a check that timed out or failed: accept, or defer with 451 4.3.0.</param>
public sealed record PolicySettings(
    string Name, Config Config, Props Props, IReadOnlySet<PolicyStage> Stages, TimeSpan Timeout, PolicyProtocol.Verdict OnTimeout)
{
    /// <summary>A sink's own policy (<see cref="ActorSmtp.Policies.SinkPolicyAttribute"/>): asked only about the recipients routed to this sink.</summary>
    public string? ForSink { get; init; }
}
