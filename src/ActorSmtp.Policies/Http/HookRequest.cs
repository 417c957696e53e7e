namespace ActorSmtp.Policies.Http;

/// <summary>
/// The JSON document POSTed for one check (camelCase on the wire). Every field is always present, null when the
/// stage does not know it yet, so a hook reads one shape whatever the stage.
/// </summary>
internal sealed record HookRequest(
    string Stage,
    HookRequest.Endpoint Client,
    string? Helo,
    string? MailFrom,
    string Parameters,
    string? Recipient,
    IReadOnlyList<string> Recipients,
    string? AuthenticatedAs,
    HookRequest.TlsSession? Tls,
    IReadOnlyDictionary<string, string> Tags)
{
    internal sealed record Endpoint(string Address, int Port);

    internal sealed record TlsSession(string Protocol, string CipherSuite);

    public static HookRequest Of(PolicyProtocol.Check check) => new(
        StageName(check.Stage),
        new Endpoint(check.Client.Address.ToString(), check.Client.Port),
        check.HeloName,
        check.MailFrom,
        check.Parameters,
        check.Recipient,
        check.Recipients ?? [],
        check.AuthenticatedAs,
        check.Tls is { } tls ? new TlsSession(tls.Protocol, tls.CipherSuite) : null,
        check.Tags ?? new Dictionary<string, string>());

    /// <summary>The names of <c>stages = [...]</c>, so the hook sees the words its configuration uses.</summary>
    public static string StageName(PolicyStage stage) => stage switch
    {
        PolicyStage.Connect => "connect",
        PolicyStage.Helo => "helo",
        PolicyStage.MailFrom => "mail",
        PolicyStage.RcptTo => "rcpt",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
