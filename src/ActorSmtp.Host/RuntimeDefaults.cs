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

    // With inline completions all socket work (including TLS) runs on the few epoll threads .NET keeps
    // (one per 32 cores). Measured a clear win on 2 cores; on big machines the thread pool spreads the
    // same work wider, so the default stays off there until measured.
    private const int MaxCoresForInlineCompletions = 8;

    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null && Environment.ProcessorCount <= MaxCoresForInlineCompletions)
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
    }
}
