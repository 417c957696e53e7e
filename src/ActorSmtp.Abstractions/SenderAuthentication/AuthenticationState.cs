namespace ActorSmtp.Sinks;

/// <summary>
/// The authentication results of one message as they become known: SPF and the blocklists before DATA, DKIM, DMARC
/// and ARC at the end of data. The sink gets the envelope when the body starts streaming, long before the last
/// signature is checked; the connection completes this before it ends the body, so a sink that reads it after the
/// body ended (as the shipped sinks write their <c>.json</c>) sees every result.
/// </summary>
public sealed class AuthenticationState(AuthenticationResults known)
{
    private AuthenticationResults _results = known;

    /// <summary>The results so far; final once the body has ended.</summary>
    public AuthenticationResults Results => Volatile.Read(ref _results);

    /// <summary>Only the message's connection completes it, before the body ends.</summary>
    public void Complete(AuthenticationResults results) => Volatile.Write(ref _results, results);
}
