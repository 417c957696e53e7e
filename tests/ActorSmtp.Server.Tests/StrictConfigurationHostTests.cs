using System.Net;
using Xunit;

namespace ActorSmtp.Server.Tests;

/// <summary>
/// Strict configuration through the real executable: each class of mistake stops both `run` and `check-config`
/// with exit code 2 and one line naming the key, before anything is bound, and with no stack trace.
/// </summary>
public sealed class StrictConfigurationHostTests : IDisposable
{
    // Every case listens on an ephemeral port, so a mistake that went unnoticed cannot take a real one.
    private const string Ephemeral = "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("actorsmtp-strict-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("run", "actorsmtp.limits.frobnicate = 1", "actorsmtp.limits.frobnicate: unknown key")]
    [InlineData("check-config", "actorsmtp.limits.frobnicate = 1", "actorsmtp.limits.frobnicate: unknown key")]
    [InlineData("run", "actorsmtp.sinks.file { directory = mail, compress = on }", "actorsmtp.sinks.file.compress: unknown key")]
    [InlineData("check-config", "actorsmtp.sinks.file { directory = mail, compress = on }", "actorsmtp.sinks.file.compress: unknown key")]
    public Task An_unknown_key(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Theory]
    [InlineData("run", "actorsmtp.limits.max-mesage-size = 10MiB", "actorsmtp.limits.max-mesage-size: unknown key; did you mean actorsmtp.limits.max-message-size?")]
    [InlineData("check-config", "actorsmtp.limits.max-mesage-size = 10MiB", "actorsmtp.limits.max-mesage-size: unknown key; did you mean actorsmtp.limits.max-message-size?")]
    [InlineData("run", "actorsmtp.hostnme = mx.test", "actorsmtp.hostnme: unknown key; did you mean actorsmtp.hostname?")]
    [InlineData("check-config", "actorsmtp.hostnme = mx.test", "actorsmtp.hostnme: unknown key; did you mean actorsmtp.hostname?")]
    [InlineData("run", "actorsmtp.limit { max-errors = 3 }", "actorsmtp.limit: unknown key; did you mean actorsmtp.limits?")]
    [InlineData("check-config", "actorsmtp.limit { max-errors = 3 }", "actorsmtp.limit: unknown key; did you mean actorsmtp.limits?")]
    [InlineData("run", "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls, requre-tls = on } ]",
        "actorsmtp.endpoints[0].requre-tls: unknown key; did you mean actorsmtp.endpoints[0].require-tls?")]
    [InlineData("check-config", "actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls, requre-tls = on } ]",
        "actorsmtp.endpoints[0].requre-tls: unknown key; did you mean actorsmtp.endpoints[0].require-tls?")]
    public Task A_near_miss_key_with_the_key_probably_meant(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Theory]
    [InlineData("run", "actorsmtp.accepted-domains = \"example.com\"", "actorsmtp.accepted-domains: must be a list")]
    [InlineData("check-config", "actorsmtp.accepted-domains = \"example.com\"", "actorsmtp.accepted-domains: must be a list")]
    [InlineData("run", "actorsmtp.tls.self-signed = maybe", "actorsmtp.tls.self-signed: must be on or off")]
    [InlineData("check-config", "actorsmtp.tls.self-signed = maybe", "actorsmtp.tls.self-signed: must be on or off")]
    public Task A_value_of_the_wrong_type(string command, string hocon, string says) => FailsAsync(command, Ephemeral + hocon, says);

    [Theory]
    [InlineData("run", "actorsmtp.sinks.file.sync = sometimes", "actorsmtp.sinks.file.sync: file sink: `sync` must be filesystem or files")]
    [InlineData("check-config", "actorsmtp.sinks.file.sync = sometimes", "actorsmtp.sinks.file.sync: file sink: `sync` must be filesystem or files")]
    [InlineData("run", "actorsmtp.sinks.file.temporary-files = hidden", "actorsmtp.sinks.file.temporary-files: file sink: `temporary-files` must be")]
    [InlineData("check-config", "actorsmtp.sinks.file.temporary-files = hidden", "actorsmtp.sinks.file.temporary-files: file sink: `temporary-files` must be")]
    [InlineData("run", "actorsmtp { sink = blob, sinks.blob.connection-string = \"AccountName=a;AccountKey=not base64!\" }",
        "actorsmtp.sinks.blob.connection-string: azure-blob sink: `connection-string` cannot be parsed")]
    [InlineData("check-config", "actorsmtp { sink = blob, sinks.blob.connection-string = \"AccountName=a;AccountKey=not base64!\" }",
        "actorsmtp.sinks.blob.connection-string: azure-blob sink: `connection-string` cannot be parsed")]
    public async Task A_bad_sink_setting(string command, string hocon, string says)
    {
        await FailsAsync(command, Ephemeral + hocon, says);
        Assert.False(Directory.Exists(Path.Combine(_directory, "mail")), "the sink was checked before it was created");
    }

    [Theory]
    [InlineData("run", "actorsmtp {\n  hostname = \"mx.test\"\n  limits {\n    max-errors = 3\n}\n", "is not valid HOCON: line 2: '{' is never closed")]
    [InlineData("check-config", "actorsmtp {\n  hostname = \"mx.test\"\n  limits {\n    max-errors = 3\n}\n", "is not valid HOCON: line 2: '{' is never closed")]
    [InlineData("run", "actorsmtp.hostname = \"mx.test\"\n}\nactorsmtp.sink = null\n", "is not valid HOCON: line 3: '}' closes nothing")]
    [InlineData("check-config", "actorsmtp.hostname = \"mx.test\"\n}\nactorsmtp.sink = null\n", "is not valid HOCON: line 3: '}' closes nothing")]
    public Task A_syntax_error_names_its_line(string command, string hocon, string says) =>
        FailsAsync(command, Ephemeral + hocon, says); // the file's line: Ephemeral is line 1

    [Fact]
    public async Task A_port_in_use_stops_run_with_one_line_naming_the_address_and_check_config_binds_nothing()
    {
        var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var hocon = $"actorsmtp.endpoints = [ {{ address = \"127.0.0.1\", port = {port} }} ]";
            await FailsAsync("run", hocon, $"actorsmtp: cannot listen on 127.0.0.1:{port}: address already in use");

            using var check = HostProcess.Start($"check-config --config \"{Config(hocon)}\"", _directory);
            Assert.Equal(0, await check.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("configuration OK", check.Output);
        }
        finally
        {
            taken.Stop();
        }
    }

    private async Task FailsAsync(string command, string hocon, string says)
    {
        var arguments = $"{(command == "run" ? "" : command + " ")}--config \"{Config(hocon)}\"";
        using var host = HostProcess.Start(arguments, _directory);
        var exit = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var output = host.Output;
        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains(says, output);
        Assert.Single(output.Split('\n'), line => line.StartsWith("actorsmtp: ", StringComparison.Ordinal)); // one line says it
        Assert.DoesNotMatch(@"(?m)^\s+at |Exception:", output); // and no stack trace
        Assert.DoesNotContain("configuration OK", output);
    }

    private string Config(string hocon)
    {
        var path = Path.Combine(_directory, "test.conf");
        File.WriteAllText(path, hocon);
        return path;
    }
}
