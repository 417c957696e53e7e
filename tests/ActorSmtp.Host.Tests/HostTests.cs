using System.Diagnostics;
using ActorSmtp.Server.Auth;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>The executable as a user runs it: --config, exit codes, the listening line, a real client (swaks), hash-password.</summary>
public sealed class HostTests : IDisposable
{
    private readonly HostWorkspace _workspace = new("actorsmtp-host-");

    public void Dispose() => _workspace.Dispose();


    [Theory]
    [InlineData("actorsmtp.limits.max-recipients = 0", "actorsmtp.limits.max-recipients")]
    [InlineData("actorsmtp.limits.command-timeout = soon", "actorsmtp.limits.command-timeout")]
    [InlineData("actorsmtp.sink = nowhere", "actorsmtp.sink")]
    [InlineData("actorsmtp.sinks.file.type = \"No.Such.Type, Nowhere\"", "actorsmtp.sinks.file.type")]
    [InlineData("actorsmtp.endpoints = [ { address = \"not-an-ip\", port = 25 } ]", "actorsmtp.endpoints[0].address")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 70000 } ]", "actorsmtp.endpoints[0].port")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = sometimes } ]", "actorsmtp.endpoints[0].tls")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, require-tls = on } ]", "actorsmtp.endpoints[0].require-tls")]
    [InlineData("actorsmtp.tls.self-signed = off", "actorsmtp.tls")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, auth = optional } ]", "actorsmtp.auth.users")]
    [InlineData("actorsmtp.auth.users = [ { name = alice, password-hash = \"s3cret\" } ]", "actorsmtp.auth.users[0].password-hash")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, auth = sometimes } ]", "actorsmtp.endpoints[0].auth")]
    [InlineData("actorsmtp.tls { self-signed = off, pfx = \"/nonexistent.pfx\" }", "actorsmtp.tls.pfx")]
    [InlineData("actorsmtp.sinks.file.sync = sometimes", "actorsmtp.sinks.file")] // refused by the sink's own constructor
    [InlineData("actorsmtp { sink = reject, sinks.reject.code = 250 }", "actorsmtp.sinks.reject")]
    public async Task Invalid_setting_stops_start_up_with_exit_code_2_naming_the_key(string hocon, string key)
    {
        using var host = _workspace.Start($"--config \"{_workspace.Config(hocon)}\"");
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(key, host.Output);
        Assert.DoesNotContain("listening on", host.Output);
    }

    [Fact]
    public async Task Malformed_hocon_is_exit_code_2()
    {
        using var host = _workspace.Start($"--config \"{_workspace.Config("actorsmtp { hostname = ")}\"");
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Runs_logs_its_endpoint_and_stores_what_swaks_sends()
    {
        var config = _workspace.Config("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0 } ]");
        using var host = _workspace.Start($"--config \"{config}\"");
        var port = await host.ListeningPortAsync();

        var swaks = Process.Start(new ProcessStartInfo("swaks",
            ["--server", $"127.0.0.1:{port}", "--from", "a@example.test", "--to", "b@example.test",
             "--h-Subject", "from swaks", "--body", "hello from swaks"]) { RedirectStandardOutput = true })!;
        var transcript = await swaks.StandardOutput.ReadToEndAsync();
        await swaks.WaitForExitAsync();
        Assert.True(swaks.ExitCode == 0, transcript);
        Assert.Contains("250 2.0.0 Ok: queued as", transcript);

        var mail = Path.Combine(_workspace.Directory, "mail"); // the default file sink folder, relative to the working directory
        var eml = Assert.Single(Directory.GetFiles(mail, "*.eml"));
        Assert.Contains("hello from swaks", File.ReadAllText(eml));
        Assert.True(File.Exists(Path.ChangeExtension(eml, ".json")));

        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        // One line per entry: time, level, the logging class, the message; Akka's own prefix is not repeated.
        Assert.Matches(
            $@"(?m)^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}} info: ActorSmtp\.Server\.Listener\.SmtpListenerActor\[0\] listening on 127\.0\.0\.1:{port}$",
            host.Output);
        Assert.Matches(@"(?m)^\S+ info: ActorSmtp\.Session\[0\] session \S+ ended: client 127\.0\.0\.1:\d+ helo \S+ tls none auth - messages 1 ", host.Output);
        Assert.DoesNotContain("[INFO]", host.Output);
    }

    [Fact]
    public async Task Making_the_self_signed_certificate_is_logged_and_so_is_reusing_it()
    {
        var config = _workspace.Config("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls } ]");
        var file = Path.Combine(_workspace.Directory, "tls", "self-signed.pfx");
        foreach (var expected in new[] { $"made a self-signed certificate for localhost in {file}", $"using the self-signed certificate for localhost in {file}" })
        {
            using var host = _workspace.Start($"--config \"{config}\"");
            await host.ListeningPortAsync();
            host.Terminate();
            Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(expected, host.Output);
        }
    }

    [Fact]
    public async Task Hash_password_prints_a_hash_that_verifies()
    {
        var start = new ProcessStartInfo("dotnet", $"\"{HostProcess.Executable}\" hash-password")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, WorkingDirectory = _workspace.Directory,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("correct horse");
        process.StandardInput.Close();
        var hash = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith("pbkdf2-sha256$", hash);
        Assert.True(PasswordHash.Verify("correct horse", hash));
        Assert.False(PasswordHash.Verify("correct horsf", hash));
    }
}
