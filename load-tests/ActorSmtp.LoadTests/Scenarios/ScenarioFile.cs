using System.Text.Json;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Scenarios;

/// Scenarios written as JSON (load-tests/scenarios/*.json). Every value uses the same text
/// forms as the command line, so a scenario can move between the two unchanged.
internal static class ScenarioFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <param name="targetOverride">The command line's --target, which wins over the file's.</param>
    public static IReadOnlyList<ScenarioSettings> Parse(string json, LoopbackTarget? targetOverride)
    {
        var file = JsonSerializer.Deserialize<FileModel>(json, Options)
            ?? throw new FormatException("the scenario file is empty");
        if (file.Scenarios is not { Length: > 0 })
            throw new FormatException("the scenario file has no scenarios");

        var target = targetOverride ?? (file.Target is { } t ? LoopbackTarget.Parse(t) : null)
            ?? throw new FormatException("no target: set \"target\" in the file or pass --target");
        var fileThresholds = file.Thresholds?.ToThresholds() ?? Thresholds.None;
        return file.Scenarios.Select(s => s.ToSettings(target, fileThresholds)).ToArray();
    }

    private sealed record FileModel(string? Target, ThresholdsModel? Thresholds, ScenarioModel[]? Scenarios);

    private sealed record ThresholdsModel(double? MinRps, double? MaxP99Ms, double? MaxErrorRate)
    {
        public Thresholds ToThresholds() => new(MinRps, MaxP99Ms, MaxErrorRate);
    }

    private sealed record ScenarioModel(
        string? Name,
        string[]? Load,
        string? Client,
        string? Tls,
        string? Size,
        int? Recipients,
        int? MessagesPerConnection,
        long? MaxMessages,
        int? MaxSessions,
        string? ConnectTimeout,
        string? IoTimeout,
        ThresholdsModel? Thresholds)
    {
        public ScenarioSettings ToSettings(LoopbackTarget target, Thresholds fileThresholds)
        {
            var defaults = new ScenarioSettings
            {
                Name = Name ?? throw new FormatException("every scenario needs a \"name\""),
                Target = target,
                Load = new LoadPlan((Load ?? []).Select(LoadSimulation.Parse).ToArray()),
            };
            return (defaults with
            {
                Client = Client is null ? defaults.Client : Enum.Parse<ClientKind>(Client, ignoreCase: true),
                Tls = Tls is null ? defaults.Tls : Enum.Parse<TlsMode>(Tls, ignoreCase: true),
                Size = Size is null ? defaults.Size : MessageSizeMix.Parse(Size),
                Recipients = Recipients ?? defaults.Recipients,
                MessagesPerConnection = MessagesPerConnection ?? defaults.MessagesPerConnection,
                MaxMessages = MaxMessages,
                MaxSessions = MaxSessions ?? defaults.MaxSessions,
                ConnectTimeout = ConnectTimeout is null ? defaults.ConnectTimeout : UnitText.ParseDuration(ConnectTimeout),
                IoTimeout = IoTimeout is null ? defaults.IoTimeout : UnitText.ParseDuration(IoTimeout),
                Thresholds = fileThresholds.OverriddenBy(Thresholds?.ToThresholds() ?? Statistics.Thresholds.None),
            }).Validated();
        }
    }
}
