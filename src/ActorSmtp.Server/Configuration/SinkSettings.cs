using Akka.Actor;
using Akka.Configuration;

namespace ActorSmtp.Server.Configuration;

/// <summary>One named sink under <c>actorsmtp.sinks</c>, as the server runs it.</summary>
/// <param name="Props">How to create the sink actor from its block; null for a <c>fan-out</c>.</param>
/// <param name="ActorType">The sink's actor class; null for a <c>fan-out</c> and for a type registered by a function.</param>
/// <param name="Timeout">How long the sink may take to answer one message before the client gets 451.</param>
/// <param name="Fallback">The sink that takes a message this one failed to store temporarily.</param>
/// <param name="Members">The sinks a <c>fan-out</c> stores every message to; empty otherwise.</param>
public sealed record SinkSettings(
    string Name,
    Config Config,
    Props? Props,
    Type? ActorType,
    TimeSpan Timeout,
    string? Fallback,
    CircuitBreakerSettings CircuitBreaker,
    IReadOnlyList<string> Members)
{
    public bool IsFanOut => Props is null;
}

/// <summary>
/// After <paramref name="MaxFailures"/> temporary failures in a row the sink is not asked for
/// <paramref name="ResetTimeout"/>: clients get 451 at once instead of queueing behind a sink that is down.
/// Then one message tries it. <paramref name="MaxFailures"/> = 0 turns the breaker off.
/// </summary>
public sealed record CircuitBreakerSettings(int MaxFailures, TimeSpan ResetTimeout)
{
    internal static CircuitBreakerSettings From(ConfigReader section, CircuitBreakerSettings? defaults = null) => new(
        section.Config.HasPath("max-failures") || defaults is null ? section.Int("max-failures", min: 0) : defaults.MaxFailures,
        section.Config.HasPath("reset-timeout") || defaults is null
            ? section.Duration("reset-timeout", TimeSpan.FromMilliseconds(10))
            : defaults.ResetTimeout);
}

/// <summary>
/// Sends the recipients that match to <paramref name="Sink"/>: <paramref name="Domains"/> are exact
/// ("example.com") or cover subdomains ("*.example.com"); <paramref name="Addresses"/> are patterns
/// with <c>*</c> ("alerts@*", "*+test@example.com"). Case-insensitive.
/// </summary>
public sealed record SinkRoute(IReadOnlyList<string> Domains, IReadOnlyList<string> Addresses, string Sink);
