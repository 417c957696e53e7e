namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>
/// Where a transaction goes: the hosts to try, in order. Two recipients with the same <see cref="Key"/> can share
/// one transaction; the key is the smarthost, or the set of MX hosts of the recipient's domain.
/// </summary>
public sealed record Destination(string Key, IReadOnlyList<UpstreamHost> Hosts);

/// <summary>
/// The outcome of resolving a recipient domain: a <see cref="Destination"/>, or the reply that refuses the
/// recipient (<see cref="Code"/>, <see cref="EnhancedCode"/>, <see cref="Text"/>): 550 5.1.2 for a domain that
/// does not exist, 451 4.4.3 when DNS did not answer.
/// </summary>
public sealed record DestinationLookup(Destination? Destination, int Code = 250, string EnhancedCode = "2.0.0", string Text = "")
{
    /// <summary>The key to compare the recipients of one transaction by; null when the domain was refused.</summary>
    public string? Key => Destination?.Key;

    public bool IsRefused => Destination is null;

    /// <summary>A refusal that may go away (DNS did not answer): 4xx rather than 5xx.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    public static DestinationLookup Found(Destination destination) => new(destination);

    public static DestinationLookup Refused(int code, string enhancedCode, string text) => new(null, code, enhancedCode, text);
}
