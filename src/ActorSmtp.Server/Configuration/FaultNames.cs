namespace ActorSmtp.Server.Configuration;

/// <summary>The names <c>at</c> and <c>action</c> take in configuration, both ways (reading rules, describing them in logs).</summary>
internal static class FaultNames
{
    public static readonly IReadOnlyDictionary<string, FaultStage> Stages = new Dictionary<string, FaultStage>(StringComparer.OrdinalIgnoreCase)
    {
        ["connect"] = FaultStage.Connect,
        ["helo"] = FaultStage.Helo,
        ["starttls"] = FaultStage.StartTls,
        ["auth"] = FaultStage.Auth,
        ["mail"] = FaultStage.Mail,
        ["rcpt"] = FaultStage.Rcpt,
        ["data"] = FaultStage.Data,
        ["body"] = FaultStage.Body,
        ["bdat"] = FaultStage.Bdat,
        ["end-of-data"] = FaultStage.EndOfData,
    };

    public static readonly IReadOnlyDictionary<string, FaultAction> Actions = new Dictionary<string, FaultAction>(StringComparer.OrdinalIgnoreCase)
    {
        ["reply"] = FaultAction.Reply,
        ["disconnect"] = FaultAction.Disconnect,
        ["reset"] = FaultAction.Reset,
        ["stall"] = FaultAction.Stall,
        ["slow"] = FaultAction.Slow,
        ["delay"] = FaultAction.Delay,
        ["store-then-disconnect"] = FaultAction.StoreThenDisconnect,
        ["store-then-reply"] = FaultAction.StoreThenReply,
    };

    public static string Of(FaultStage stage) => Stages.First(s => s.Value == stage).Key;

    public static string Of(FaultAction action) => Actions.First(a => a.Value == action).Key;

    /// <summary>"90s", "1500ms", "2m": the shortest exact form, as a duration is written in HOCON and in tags.</summary>
    public static string Of(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)duration.TotalMinutes}m"
        : duration.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)duration.TotalSeconds}s"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds}ms");
}
