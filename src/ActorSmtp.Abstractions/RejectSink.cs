using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorSmtp.Sinks;

/// <summary>
/// Refuses every message with a configured reply (default <c>550 5.7.1 Message rejected</c>), without
/// reading the body. A 4xx code makes it a temporary refusal, useful for maintenance windows.
/// </summary>
public sealed partial class RejectSink : MessageSinkActor, IValidatesConfig
{
    private readonly int _code;
    private readonly string _enhancedCode;
    private readonly string _text;

    public RejectSink(Config config) => (_code, _enhancedCode, _text) = Reply(config);

    /// <summary>Checks <c>code</c> and <c>message</c> as the constructor reads them (start-up and check-config).</summary>
    /// <exception cref="ConfigurationException">The code is not 4xx/5xx, or the message's enhanced code does not match it.</exception>
    public static void ValidateConfig(Config config) => Reply(config);

    private static (int Code, string EnhancedCode, string Text) Reply(Config config)
    {
        int code;
        try
        {
            code = config.GetInt("code", 550);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new ConfigurationException($"reject sink: `code` must be 4xx or 5xx, not '{config.GetString("code")}'");
        }
        if (code is < 400 or > 599)
            throw new ConfigurationException($"reject sink: `code` must be 4xx or 5xx, not {code}");
        var message = config.GetString("message", "5.7.1 Message rejected");
        var match = EnhancedCodePrefix().Match(message);
        var enhancedCode = match.Success ? match.Groups[1].Value : $"{code / 100}.7.1";
        if (enhancedCode[0] - '0' != code / 100)
            throw new ConfigurationException($"reject sink: the enhanced code {enhancedCode} of `message` does not match the class of {code}");
        return (code, enhancedCode, match.Success ? match.Groups[2].Value : message);
    }

    protected override Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken) =>
        Task.FromResult<SinkProtocol.Result>(_code >= 500
            ? new SinkProtocol.PermanentFailure(store.MessageId, _code, _enhancedCode, _text)
            : new SinkProtocol.TemporaryFailure(store.MessageId, "rejected by configuration", _code, _enhancedCode, _text));

    [GeneratedRegex(@"^([245]\.\d{1,3}\.\d{1,3})\s+(.*)$")]
    private static partial Regex EnhancedCodePrefix();
}
