namespace ActorSmtp.MessageAuthentication.Tests.Dmarc;

/// <summary>A "random" source that always draws <paramref name="value"/>, so pct= sampling is decided by the test.</summary>
internal sealed class FixedSample(int value) : Random
{
    public int Draws { get; private set; }

    public override int Next(int maxValue)
    {
        Draws++;
        return value;
    }
}
