namespace ActorSmtp.Host;

/// <summary>
/// Process-level .NET switches that only an environment variable can set, applied before the first socket
/// exists unless the operator set them. Measured in load-tests/BENCHMARKS.md.
/// </summary>
internal static class RuntimeDefaults
{
    // Socket completions run on the epoll thread instead of hopping to the thread pool; safe here because
    // nothing on that path blocks (the read loop only hands buffers to actors). Read once, when the first
    // socket is created, so setting it here in Main is early enough.
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
    }
}
