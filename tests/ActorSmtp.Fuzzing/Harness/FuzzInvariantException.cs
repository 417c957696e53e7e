namespace ActorSmtp.Fuzzing;

/// <summary>A broken invariant: to AFL++ a crash like any other exception, to the tests a failure with a message.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message)
{
    public static void Check(bool condition, string message)
    {
        if (!condition)
            throw new FuzzInvariantException(message);
    }
}
