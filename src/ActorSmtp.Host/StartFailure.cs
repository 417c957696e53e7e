using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Listener;

namespace ActorSmtp.Host;

/// <summary>
/// What stopped start-up after the configuration was checked (an endpoint that cannot be bound, a certificate
/// that cannot be read), kept until the host has stopped and then told as one line, with no stack trace.
/// </summary>
internal sealed class StartFailure
{
    private Exception? _failure;

    public void Record(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>Writes the failure's line to <paramref name="error"/>; false when start-up did not fail.</summary>
    public bool Report(TextWriter error)
    {
        if (_failure is null)
            return false;
        error.WriteLine($"actorsmtp: {Describe(_failure)}");
        return true;
    }

    /// <summary>The operator's line for <paramref name="failure"/>: the named setting or endpoint, else the innermost message.</summary>
    public static string Describe(Exception failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
            if (ex is SettingsException or ListenException)
                return ex.Message;
        var innermost = failure;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        return $"cannot start: {innermost.Message}";
    }
}
