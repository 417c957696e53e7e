namespace ActorSmtp.Server.Transport;

/// <summary>How far the connection got through a buffer it was handed; or that reading must stop, or switch to TLS.</summary>
internal readonly record struct ReadAdvance(
    SequencePosition Consumed, SequencePosition Examined, bool Stop, TlsUpgrade? Upgrade = null)
{
    public static readonly ReadAdvance Halt = new(default, default, true);
}
