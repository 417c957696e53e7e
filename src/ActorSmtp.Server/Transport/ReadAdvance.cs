namespace ActorSmtp.Server.Transport;

/// <summary>
/// How far the connection got through a buffer it was handed; or that reading must stop, or switch to TLS
/// (dropping what is left, as after STARTTLS, or with <paramref name="KeepUnread"/> handing it to TLS).
/// </summary>
internal readonly record struct ReadAdvance(
    SequencePosition Consumed, SequencePosition Examined, bool Stop, TlsUpgrade? Upgrade = null, bool KeepUnread = false)
{
    public static readonly ReadAdvance Halt = new(default, default, true);
}
