namespace ActorSmtp.LoadTests.Cli;

internal static class ExitCodes
{
    public const int Passed = 0;
    /// A threshold was broken (or a probe's check failed): a deployment gate should stop here.
    public const int ThresholdBroken = 1;
    public const int InvalidArguments = 2;
}
