namespace ActorSmtp.Sinks;

/// <summary>
/// The keys a custom sink (or authenticator) reads from its HOCON block. ActorSmtp's configuration is strict:
/// with this attribute on the actor class, any other key in the block stops start-up and <c>check-config</c>
/// (exit 2) with the key named and, when one is close, the key probably meant.
/// </summary>
/// <remarks>
/// A key may be a path (<c>"retry.max-retries"</c>); a key that holds a block of the type's own
/// (<c>"headers"</c>) covers everything under it. The keys every sink has (<c>type</c>, <c>dispatcher</c>,
/// <c>timeout</c>, <c>fallback</c>, <c>circuit-breaker</c>) need not be listed, nor, for an authenticator,
/// those of <c>actorsmtp.auth</c>. Without the attribute the type's block is its own and is not checked.
/// </remarks>
/// <example><code>[ConfigKeys("url", "secret", "headers")] public sealed class WebhookSink : MessageSinkActor { ... }</code></example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConfigKeysAttribute(params string[] keys) : Attribute
{
    /// <summary>The keys the type reads, relative to its block.</summary>
    public IReadOnlyList<string> Keys { get; } = keys;
}
