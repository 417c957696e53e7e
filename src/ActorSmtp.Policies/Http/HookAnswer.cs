namespace ActorSmtp.Policies.Http;

/// <summary>
/// The hook's JSON answer: <c>{"action":"accept"|"reject"|"defer","code":550,"enhanced":"5.1.1","text":"…","tags":{…}}</c>.
/// Only <c>action</c> is required; the server validates the reply it becomes (a reject must be 5xx, a defer 4xx).
/// </summary>
internal sealed record HookAnswer(string? Action, int? Code, string? Enhanced, string? Text, Dictionary<string, string>? Tags)
{
    private static readonly PolicyProtocol.Reject Rejected = new(550, "5.7.1", "Rejected by policy");
    private static readonly PolicyProtocol.Defer Deferred = new(451, "4.3.0", "Try again later");

    /// <exception cref="InvalidDataException">No or an unknown action: the hook's fault, answered with on-timeout.</exception>
    public PolicyProtocol.Verdict ToVerdict() => Action?.ToLowerInvariant() switch
    {
        "accept" when Tags is { Count: > 0 } => new PolicyProtocol.AcceptWith(Tags),
        "accept" => PolicyProtocol.Accept.Instance,
        "reject" => new PolicyProtocol.Reject(Code ?? Rejected.Code, EnhancedFor(Rejected.EnhancedCode), Text ?? Rejected.Text),
        "defer" => new PolicyProtocol.Defer(Code ?? Deferred.Code, EnhancedFor(Deferred.EnhancedCode), Text ?? Deferred.Text),
        _ => throw new InvalidDataException($"the answer's action is '{Action}', not accept, reject or defer"),
    };

    // A code without an enhanced code keeps the default's detail under the code's class (450 → 4.3.0, 554 → 5.7.1).
    private string EnhancedFor(string fallback) =>
        Enhanced ?? (Code is { } code ? $"{code / 100}{fallback[1..]}" : fallback);
}
