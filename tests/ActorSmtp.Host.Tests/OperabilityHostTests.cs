using System.Net;
using System.Text;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;
using static ActorSmtp.TestSupport.HttpProbe;

namespace ActorSmtp.Host.Tests;

/// <summary>The executable's operability surface: /metrics and /healthz over HTTP, the trace, check-config, --version.</summary>
public sealed class OperabilityHostTests : IDisposable
{
    private readonly HostWorkspace _workspace = new("actorsmtp-ops-");

    public void Dispose() => _workspace.Dispose();


    [Fact]
    public async Task On_a_cluster_node_the_cluster_view_is_served_next_to_metrics()
    {
        var metricsPort = FreePort();
        var config = _workspace.Config($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              metrics { enabled = on, address = "127.0.0.1", port = {{metricsPort}} }
              cluster { enabled = on, hostname = "127.0.0.1", port = 0, seed-nodes = [], roles = [smtp, storage] }
            }
            """);
        using var host = _workspace.Start($"run --config \"{config}\"");
        await host.ListeningPortAsync();

        // The view answers at once; the node lists itself once it has joined (founded) its cluster.
        var view = await ClusterViewAsync(metricsPort, v => v.RootElement.GetProperty("members").GetArrayLength() > 0);
        var member = Assert.Single(view.RootElement.GetProperty("members").EnumerateArray());
        Assert.Contains("smtp", member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await WaitForAsync($"http://127.0.0.1:{metricsPort}/healthz", TimeSpan.FromSeconds(10))).Status);
        // What the node really does, under the class that does it; not Akka's "manual cluster join required".
        Assert.Contains("ActorSmtp.Cluster.ClusterNode[0] founding a new cluster as akka.tcp://", host.Output);
        Assert.DoesNotContain("No seed-nodes configured", host.Output);
        Assert.DoesNotContain("DummyClassForStringSources", host.Output);
        Assert.Contains($"metrics listening on http://127.0.0.1:{metricsPort} (/metrics, /healthz, /cluster)", host.Output);
        // The other side of SingleNodeFootprintTests: a cluster node does load the cluster assemblies.
        Assert.Superset(new HashSet<string> { "ActorSmtp.Cluster.dll", "Akka.Cluster.dll", "Akka.Remote.dll", "Akka.DistributedData.dll" },
            host.LoadedAssemblies().ToHashSet());
    }

    private static async Task<System.Text.Json.JsonDocument> ClusterViewAsync(int port, Func<System.Text.Json.JsonDocument, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var (status, body) = await WaitForAsync($"http://127.0.0.1:{port}/cluster", TimeSpan.FromSeconds(20));
            Assert.Equal(HttpStatusCode.OK, status);
            var view = System.Text.Json.JsonDocument.Parse(body);
            if (until(view) || DateTime.UtcNow > deadline)
                return view;
            view.Dispose();
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Metrics_scraped_over_http_move_by_exactly_the_messages_sent()
    {
        var metricsPort = FreePort();
        var config = _workspace.Config($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              limits.max-message-size = 2KiB
              metrics { enabled = on, address = "127.0.0.1", port = {{metricsPort}} }
            }
            """);
        using var host = _workspace.Start($"run --config \"{config}\"");
        var port = await host.ListeningPortAsync();
        var metrics = $"http://127.0.0.1:{metricsPort}/metrics";
        var (status, before) = await WaitForAsync(metrics, TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("service_name=\"actorsmtp\"", before); // target_info, not "unknown_service:actorsmtp"
        Assert.Contains($"metrics listening on http://127.0.0.1:{metricsPort} (/metrics, /healthz)", host.Output);

        const int sent = 3;
        using (var client = await SmtpClients.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)))
        {
            for (var i = 0; i < sent; i++)
                await client.SendAsync(MimeMessages.Create($"metrics {i}", "counted"));
            await client.DisconnectAsync(true);
        }
        await using (var raw = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)))
        {
            // No SIZE= at MAIL, so the limit bites after the body: a message refused with 552.
            await raw.ExpectAsync("220");
            await raw.SendAsync("EHLO raw\r\n");
            await raw.ExpectAsync("250");
            await raw.BeginDataAsync();
            await raw.SendAsync($"Subject: too big\r\n\r\n{new string('x', 4096)}\r\n.\r\nQUIT\r\n");
            await raw.ExpectAsync("552");
            await raw.ExpectAsync("221");
        }

        // The session ends (and is counted) just after the client's QUIT: poll briefly for it.
        string after = "";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            after = (await GetAsync(metrics)).Body;
            if (Sample(after, "actorsmtp_sessions_total", "tls=\"false\"") >= Sample(before, "actorsmtp_sessions_total", "tls=\"false\"") + 2)
                break;
            await Task.Delay(100);
        }
        double Moved(string name, params string[] labels) => Sample(after, name, labels) - Sample(before, name, labels);

        Assert.Equal(sent, Moved("actorsmtp_messages_accepted_total"));
        Assert.Equal(sent, Moved("actorsmtp_sink_results_total", "sink=\"file\"", "result=\"stored\"", "code=\"250\""));
        Assert.Equal(sent, Moved("actorsmtp_sink_store_duration_seconds_count", "sink=\"file\""));
        Assert.Equal(1, Moved("actorsmtp_messages_rejected_total", "code=\"552\""));
        Assert.Equal(1, Moved("actorsmtp_limits_hits_total", "limit=\"max-message-size\""));
        Assert.Equal(sent + 1, Moved("actorsmtp_message_size_bytes_count"));
        Assert.True(Moved("actorsmtp_bytes_received_total") > sent * 100);
        Assert.Equal(2, Moved("actorsmtp_connections_accepted_total"));
        Assert.Equal(2, Moved("actorsmtp_sessions_total", "tls=\"false\"", "auth=\"false\""));
        Assert.Equal(0, Sample(after, "actorsmtp_connections_active"));
        Assert.Contains("session ", host.Output);
        Assert.Contains($"messages {sent} ", host.Output); // the session-end line

        var (healthStatus, health) = await GetAsync($"http://127.0.0.1:{metricsPort}/healthz");
        Assert.Equal(HttpStatusCode.OK, healthStatus);
        Assert.Equal("healthy", health.Trim());

        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Trace_shows_commands_and_replies_but_never_a_password_an_auth_payload_or_a_body()
    {
        const string password = "Tr4ce-Secret-pw";
        var hash = ActorSmtp.Server.Auth.PasswordHash.Create(password);
        var config = _workspace.Config($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0, auth = optional } ]
              auth { users = [ { name = alice, password-hash = "{{hash}}" } ], allow-insecure-auth = on, failure-delay = 10ms }
              trace.clients = [ "127.0.0.0/8" ]
            }
            """);
        using var host = _workspace.Start($"--config \"{config}\"");
        var port = await host.ListeningPortAsync();
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice\0{password}"));
        var wrongPlain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0not-it"));
        await using (var client = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)))
        {
            await client.ExpectAsync("220");
            await client.SendAsync("EHLO tracer\r\n");
            await client.ExpectAsync("250");
            await client.SendAsync($"AUTH PLAIN {wrongPlain}\r\n");
            await client.ExpectAsync("535");
            await client.SendAsync("AUTH LOGIN\r\n");
            await client.ExpectAsync("334");
            await client.SendAsync(Convert.ToBase64String("alice"u8.ToArray()) + "\r\n");
            await client.ExpectAsync("334");
            await client.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)) + "\r\n");
            await client.ExpectAsync("235");
            await client.SendAsync("RSET\r\n");
            await client.ExpectAsync("250");
            await client.SendAsync($"AUTH PLAIN {plain}\r\n");
            await client.ExpectAsync("503"); // already authenticated; the payload still must not be traced
            await client.BeginDataAsync();
            await client.SendAsync("Subject: traced\r\n\r\nbody-marker-7f3a\r\n.\r\n");
            await client.ExpectAsync("250");
            await client.SendAsync("QUIT\r\n");
            await client.ExpectAsync("221");
        }

        var output = await OutputContainingAsync(host, "auth alice");
        Assert.Contains("C: EHLO tracer", output);
        Assert.Contains("C: AUTH PLAIN <redacted>", output);
        Assert.Contains("C: AUTH LOGIN", output);
        Assert.Contains("<AUTH response redacted>", output);
        Assert.Contains("S: 235 2.7.0", output);
        Assert.Contains("C: MAIL FROM:<a@b.test>", output);
        Assert.Contains("S: 250 2.0.0 Ok: queued as", output);
        Assert.DoesNotContain(password, output);
        Assert.DoesNotContain(plain, output);
        Assert.DoesNotContain(wrongPlain, output);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), output);
        Assert.DoesNotContain("body-marker-7f3a", output);
        Assert.Contains("helo tracer", output); // the session-end line
        Assert.Contains("messages 1 ", output);
    }

    private static async Task<string> OutputContainingAsync(HostProcess host, string text)
    {
        for (var i = 0; i < 100 && !host.Output.Contains(text); i++)
            await Task.Delay(100);
        return host.Output;
    }

    [Fact]
    public async Task A_metrics_port_in_use_stops_start_up_with_exit_code_2_naming_the_key()
    {
        using var taken = new PortInUse();
        var port = taken.Port;
        var config = _workspace.Config($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]
            actorsmtp.metrics { enabled = on, port = {{port}} }
            """);
        using var host = _workspace.Start($"--config \"{config}\"");
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("actorsmtp.metrics.port", host.Output);
    }

    [Theory]
    [InlineData("actorsmtp.limits.max-recipients = 0", "actorsmtp.limits.max-recipients")]
    [InlineData("actorsmtp.metrics.port = 0", "actorsmtp.metrics.port")]
    [InlineData("actorsmtp.metrics.enabled = maybe", "actorsmtp.metrics.enabled")]
    [InlineData("actorsmtp.trace.clients = [ \"10.0.0.0/8\", \"not-a-network\" ]", "actorsmtp.trace.clients[1]")]
    [InlineData("actorsmtp.sink = nowhere", "actorsmtp.sink")]
    [InlineData("actorsmtp.tls { self-signed = off, certificate = \"/nonexistent.pem\", key = \"/nonexistent.key\" }", "actorsmtp.tls")]
    [InlineData("actorsmtp.cluster { enabled = on, roles = [web] }", "actorsmtp.cluster.roles")] // read by ActorSmtp.Cluster
    public async Task Check_config_rejects_a_broken_file_with_exit_code_2_naming_the_key(string hocon, string key)
    {
        using var check = _workspace.Start($"check-config --config \"{_workspace.Config(hocon)}\"");
        Assert.Equal(2, await check.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(key, check.Output);
        Assert.False(Directory.Exists(Path.Combine(_workspace.Directory, "mail")), "check-config must not start anything");
    }

    [Fact]
    public async Task Check_config_prints_the_effective_configuration_with_secrets_masked()
    {
        var hash = ActorSmtp.Server.Auth.PasswordHash.Create("pw");
        const string accountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var config = _workspace.Config($$"""
            actorsmtp {
              hostname = "mx.check.test"
              auth.users = [ { name = alice, password-hash = "{{hash}}" } ]
              tls.password = "pfx-pass-123"
              sinks.blob.connection-string = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={{accountKey}};BlobEndpoint=http://127.0.0.1:10010/devstoreaccount1;"
            }
            """);
        using var check = _workspace.Start($"check-config --config \"{config}\"");
        Assert.Equal(0, await check.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = check.Output;
        Assert.Contains("hostname = mx.check.test", output);
        Assert.Contains("AccountName=devstoreaccount1;AccountKey=<masked>;", output);
        Assert.DoesNotContain(accountKey, output);
        Assert.DoesNotContain(hash, output);
        Assert.DoesNotContain("pfx-pass-123", output);
        Assert.Contains("configuration OK", output);

        // What it prints is HOCON that configures the same server (secrets aside).
        // The verdict goes to stderr, so it may arrive before the last lines of stdout: drop that line wherever it is.
        var printed = string.Join("\n", output.Split('\n').Where(line => !line.StartsWith("actorsmtp: configuration OK", StringComparison.Ordinal)));
        var reparsed = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(printed.Replace("\"<masked>\"", $"\"{hash}\"")), ShippedSinks.Catalog());
        Assert.Equal("mx.check.test", reparsed.Hostname);
    }

    [Fact]
    public async Task Version_prints_the_informational_version()
    {
        using var version = _workspace.Start("--version");
        Assert.Equal(0, await version.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var expected = typeof(ActorSmtp.Host.ServerCommand).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(expected, version.Output.Trim());
    }
}
