namespace ActorSmtp.Sinks;

/// <summary>
/// Marks a sink that sends messages on to other servers (the relay sink) instead of keeping them. The server then
/// guards against being an open relay: it refuses to start when such a sink is configured while
/// <c>accepted-domains</c> is empty and some endpoint does not require AUTH, unless <c>allow-open-relay = on</c>
/// says so (and a warning repeats it at every start).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RelaysMailAttribute : Attribute;
