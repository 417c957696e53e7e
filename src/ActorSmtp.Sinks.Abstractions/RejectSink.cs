using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorSmtp.Sinks;

/// <summary>
/// Refuses every message with a configured reply (default <c>550 5.7.1 Message rejected</c>), without
/// reading the body. A 4xx code makes it a temporary refusal, useful for maintenance windows.
/// </summary>
public sealed partial class RejectSink : MessageSinkActor
{
    private readonly int _code;
    private readonly string _enhancedCode;
    private readonly string _text;

    public RejectSink(Config config)
    {
        _code = config.GetInt("code", 550);
        if (_code is < 400 or > 599)
            throw new ConfigurationException($"reject sink: code must be 4xx or 5xx, not {_code}");
        var message = config.GetString("message", "5.7.1 Message rejected");
        var match = EnhancedCodePrefix().Match(message);
        _enhancedCode = match.Success ? match.Groups[1].Value : $"{_code / 100}.7.1";
        _text = match.Success ? match.Groups[2].Value : message;
        if (_enhancedCode[0] - '0' != _code / 100)
            throw new ConfigurationException($"reject sink: enhanced code {_enhancedCode} does not match class of {_code}");
    }

    protected override Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken) =>
        Task.FromResult<SinkProtocol.Result>(_code >= 500
            ? new SinkProtocol.PermanentFailure(store.MessageId, _code, _enhancedCode, _text)
            : new SinkProtocol.TemporaryFailure(store.MessageId, "rejected by configuration", _code, _enhancedCode, _text));

    [GeneratedRegex(@"^([245]\.\d{1,3}\.\d{1,3})\s+(.*)$")]
    private static partial Regex EnhancedCodePrefix();
}
