namespace ActorSmtp.Server.Transport;

/// <summary>How far the connection got through a buffer it was handed; or that reading must stop.</summary>
internal readonly record struct ReadAdvance(SequencePosition Consumed, SequencePosition Examined, bool Stop)
{
    public static readonly ReadAdvance Halt = new(default, default, true);
}
