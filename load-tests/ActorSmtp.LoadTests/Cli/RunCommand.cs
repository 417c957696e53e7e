using System.CommandLine;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Reports;
using ActorSmtp.LoadTests.Running;
using ActorSmtp.LoadTests.Scenarios;
using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Cli;

/// `run`: scenarios from --scenario-file and/or one scenario from the options, run one after another.
internal static class RunCommand
{
    private static readonly Option<string?> Target = new("--target") { Description = "HOST:PORT on loopback (default 127.0.0.1:2525, or the file's)" };
    private static readonly Option<string[]> ScenarioFiles = new("--scenario-file") { Description = "JSON scenario file (repeatable)" };
    private static readonly Option<string> Name = new("--name") { Description = "name of the command-line scenario", DefaultValueFactory = _ => "cli" };
    private static readonly Option<string[]> Load = new("--load") { Description = "keep:SESSIONS:DURATION | ramp:FROM:TO:DURATION | inject:PER_SECOND:DURATION (repeatable, run in order)" };
    private static readonly Option<string> Client = new("--client") { Description = "raw (pipelining socket), mailkit, or bdat (the raw client sending BDAT chunks, RFC 3030)", DefaultValueFactory = _ => "raw" };
    private static readonly Option<string> Tls = new("--tls") { Description = "none, starttls or implicit (mailkit client only)", DefaultValueFactory = _ => "none" };
    private static readonly Option<string> Size = new("--size") { Description = "message size or weighted mix: 1k | 100k | 1k:80,10k:15,1m:5", DefaultValueFactory = _ => "1k" };
    private static readonly Option<string?> MessageFile = new("--message-file") { Description = "send this message (CRLF lines, e.g. from dkim-message) instead of generated ones; overrides --size" };
    private static readonly Option<string?> MailFrom = new("--mail-from") { Description = "the MAIL FROM address", DefaultValueFactory = _ => MessageBodies.Sender };
    private static readonly Option<int> Recipients = new("--recipients") { Description = "RCPT TO per message", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> PerConnection = new("--messages-per-connection") { Description = "1 = a new connection per message", DefaultValueFactory = _ => 100 };
    private static readonly Option<long?> MaxMessages = new("--max-messages") { Description = "stop after this many messages" };
    private static readonly Option<int> MaxSessions = new("--max-sessions") { Description = "inject: most connections to open", DefaultValueFactory = _ => 256 };
    private static readonly Option<string> ConnectTimeout = new("--connect-timeout") { DefaultValueFactory = _ => "10s" };
    private static readonly Option<string> IoTimeout = new("--timeout") { Description = "limit for each reply waited for", DefaultValueFactory = _ => "30s" };
    private static readonly Option<double?> MinRps = new("--min-rps") { Description = "threshold: fail below this many msg/s" };
    private static readonly Option<double?> MaxP99Ms = new("--max-p99-ms") { Description = "threshold: fail when whole-message p99 is above this" };
    private static readonly Option<double?> MaxErrorRate = new("--max-error-rate") { Description = "threshold: fail above this fraction of failed messages (0.01 = 1 %)" };
    private static readonly Option<string?> Out = new("--out") { Description = "results folder (default load-tests/results/<UTC timestamp>)" };

    public static Command Create()
    {
        var command = new Command("run", "Run load scenarios and write report.md, report.html and CSV files")
        {
            Target, ScenarioFiles, Name, Load, Client, Tls, Size, MessageFile, MailFrom, Recipients, PerConnection, MaxMessages, MaxSessions,
            ConnectTimeout, IoTimeout, MinRps, MaxP99Ms, MaxErrorRate, Out,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult options, CancellationToken cancel)
    {
        IReadOnlyList<ScenarioSettings> scenarios;
        try
        {
            scenarios = Scenarios(options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IOException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidArguments;
        }

        var startedAt = DateTimeOffset.UtcNow;
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"== {scenario.Name}: {scenario.Describe()} → {scenario.Target}");
            var result = await ScenarioRunner.RunAsync(scenario, Console.Out, cancel);
            var message = result.Latencies[Step.Message];
            Console.WriteLine($"== {scenario.Name}: {result.Succeeded} ok, {result.Failed} failed, " +
                              $"{ReportFormat.Rate(result.MessagesPerSecond)} msg/s, p50 {ReportFormat.Ms(message.P50)} ms, " +
                              $"p99 {ReportFormat.Ms(message.P99)} ms");
            results.Add(result);
        }

        var report = new RunReport(startedAt, string.Join(' ', options.Tokens.Select(t => t.Value)), results);
        var folder = options.GetValue(Out) ?? Path.Combine("load-tests", "results", startedAt.ToString("yyyyMMdd-HHmmss"));
        ReportFolder.Write(report, folder);
        Console.WriteLine($"reports: {Path.GetFullPath(folder)}/report.md (also report.html, *.csv)");
        foreach (var (scenario, outcome) in report.BrokenThresholds)
            Console.WriteLine($"threshold broken in {scenario.Settings.Name}: {outcome}");
        Console.WriteLine(report.Passed ? "verdict: PASSED" : "verdict: FAILED");
        return report.Passed ? ExitCodes.Passed : ExitCodes.ThresholdBroken;
    }

    private static IReadOnlyList<ScenarioSettings> Scenarios(ParseResult options)
    {
        var cliTarget = options.GetValue(Target) is { } target ? LoopbackTarget.Parse(target) : null;
        var scenarios = new List<ScenarioSettings>();
        foreach (var file in options.GetValue(ScenarioFiles) ?? [])
            scenarios.AddRange(ScenarioFile.Parse(File.ReadAllText(file), cliTarget));

        if (options.GetValue(Load) is { Length: > 0 } load)
        {
            scenarios.Add(new ScenarioSettings
            {
                Name = options.GetValue(Name)!,
                Target = cliTarget ?? LoopbackTarget.Parse("127.0.0.1:2525"),
                Load = new LoadPlan(load.Select(LoadSimulation.Parse).ToArray()),
                Client = Enum.Parse<ClientKind>(options.GetValue(Client)!, ignoreCase: true),
                Tls = Enum.Parse<TlsMode>(options.GetValue(Tls)!, ignoreCase: true),
                Size = options.GetValue(MessageFile) is { } file ? MessageSizeMix.Fixed(new FileInfo(file).Length) : MessageSizeMix.Parse(options.GetValue(Size)!),
                MessageFile = options.GetValue(MessageFile) is { } path ? File.ReadAllBytes(path) : null,
                MailFrom = options.GetValue(MailFrom)!,
                Recipients = options.GetValue(Recipients),
                MessagesPerConnection = options.GetValue(PerConnection),
                MaxMessages = options.GetValue(MaxMessages),
                MaxSessions = options.GetValue(MaxSessions),
                ConnectTimeout = UnitText.ParseDuration(options.GetValue(ConnectTimeout)!),
                IoTimeout = UnitText.ParseDuration(options.GetValue(IoTimeout)!),
            }.Validated());
        }
        if (scenarios.Count == 0)
            throw new ArgumentException("nothing to run: give --load (e.g. --load keep:16:30s) or --scenario-file");

        var cliThresholds = new Thresholds(options.GetValue(MinRps), options.GetValue(MaxP99Ms), options.GetValue(MaxErrorRate));
        return scenarios.Select(s => s with { Thresholds = s.Thresholds.OverriddenBy(cliThresholds) }).ToArray();
    }
}
