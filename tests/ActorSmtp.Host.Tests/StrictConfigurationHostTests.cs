using System.Net;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// Strict configuration through the real executable: each class of mistake stops both `run` and `check-config`
/// with exit code 2 and one line naming the key, before anything is bound, and with no stack trace.
/// </summary>
public sealed class StrictConfigurationHostTests : IDisposable
{
    // Every case listens on an ephemeral port, so a mistake that went unnoticed cannot take a real one.
    private const string Ephemeral = "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]\n";

    private readonly HostWorkspace _workspace = new("actorsmtp-strict-");

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string, string, string> UnknownKeys => ForBothCommands(
        ("actorsmtp.limits.frobnicate = 1", "actorsmtp.limits.frobnicate: unknown key"),
        ("actorsmtp.sinks.file { directory = mail, compress = on }", "actorsmtp.sinks.file.compress: unknown key"));

    public static TheoryData<string, string, string> NearMisses => ForBothCommands(
        ("actorsmtp.limits.max-mesage-size = 10MiB", "actorsmtp.limits.max-mesage-size: unknown key; did you mean actorsmtp.limits.max-message-size?"),
        ("actorsmtp.hostnme = mx.test", "actorsmtp.hostnme: unknown key; did you mean actorsmtp.hostname?"),
        ("actorsmtp.limit { max-errors = 3 }", "actorsmtp.limit: unknown key; did you mean actorsmtp.limits?"),
        ("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls, requre-tls = on } ]",
            "actorsmtp.endpoints[0].requre-tls: unknown key; did you mean actorsmtp.endpoints[0].require-tls?"));

    public static TheoryData<string, string, string> WrongTypes => ForBothCommands(
        ("actorsmtp.accepted-domains = \"example.com\"", "actorsmtp.accepted-domains: must be a list"), // not capture mode
        ("actorsmtp.tls.self-signed = maybe", "actorsmtp.tls.self-signed: must be on or off"));

    public static TheoryData<string, string, string> BadSinkSettings => ForBothCommands(
        ("actorsmtp.sinks.file.sync = sometimes", "actorsmtp.sinks.file.sync: file sink: `sync` must be filesystem or files"),
        ("actorsmtp.sinks.file.temporary-files = hidden", "actorsmtp.sinks.file.temporary-files: file sink: `temporary-files` must be"),
        ("actorsmtp { sink = blob, sinks.blob.connection-string = \"AccountName=a;AccountKey=not base64!\" }",
            "actorsmtp.sinks.blob.connection-string: azure-blob sink: `connection-string` cannot be parsed"));

    // The line in the file: Ephemeral is its line 1.
    public static TheoryData<string, string, string> SyntaxErrors => ForBothCommands(
        ("actorsmtp {\n  hostname = \"mx.test\"\n  limits {\n    max-errors = 3\n}\n", "is not valid HOCON: line 2: '{' is never closed"),
        ("actorsmtp.hostname = \"mx.test\"\n}\nactorsmtp.sink = null\n", "is not valid HOCON: line 3: '}' closes nothing"));

    [Theory]
    [MemberData(nameof(UnknownKeys))]
    public Task An_unknown_key(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Theory]
    [MemberData(nameof(NearMisses))]
    public Task A_near_miss_key_with_the_key_probably_meant(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public Task A_value_of_the_wrong_type(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Theory]
    [MemberData(nameof(BadSinkSettings))]
    public async Task A_bad_sink_setting(string command, string hocon, string says)
    {
        await FailsAsync(command, Ephemeral + hocon, says);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Directory, "mail")), "the sink was checked before it was created");
    }

    [Theory]
    [MemberData(nameof(SyntaxErrors))]
    public Task A_syntax_error_names_its_line(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Fact]
    public async Task A_port_in_use_stops_run_with_one_line_naming_the_address_and_check_config_binds_nothing()
    {
        using var taken = new PortInUse();
        var port = taken.Port;
        var hocon = $"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = {port} }} ]";
        await FailsAsync("run", hocon, $"actorsmtp: cannot listen on 127.0.0.1:{port}: address already in use");

        using var check = _workspace.Start($"check-config --config \"{_workspace.Config(hocon)}\"");
        Assert.Equal(0, await check.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("configuration OK", check.Output);
    }

    [Fact]
    public async Task A_second_server_on_the_port_of_a_running_one_is_refused_not_given_half_the_connections()
    {
        // .NET's ReuseAddress is SO_REUSEPORT on Linux: two listeners would share the port and split its clients.
        using var first = _workspace.Start($"--config \"{_workspace.Config(Ephemeral, "first.conf")}\"");
        var port = await first.ListeningPortAsync();

        await FailsAsync("run", $"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = {port} }} ]",
            $"actorsmtp: cannot listen on 127.0.0.1:{port}: address already in use");
        first.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private async Task FailsAsync(string command, string hocon, string says)
    {
        var arguments = $"{(command == "run" ? "" : command + " ")}--config \"{_workspace.Config(hocon)}\"";
        using var host = _workspace.Start(arguments);
        var exit = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var output = host.Output;
        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains(says, output);
        Assert.Single(output.Split('\n'), line => line.StartsWith("actorsmtp: ", StringComparison.Ordinal)); // one line says it
        Assert.DoesNotMatch(@"(?m)^\s+at |Exception:", output); // and no stack trace
        Assert.DoesNotContain("configuration OK", output);
    }

    private static TheoryData<string, string, string> ForBothCommands(params (string Hocon, string Says)[] cases)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var command in new[] { "run", "check-config" })
            foreach (var (hocon, says) in cases)
                data.Add(command, hocon, says);
        return data;
    }

}
