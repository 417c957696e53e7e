using ActorSmtp.Server.Tests.Sinks;
using System.Net;
using ActorSmtp.Host.Http;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static ActorSmtp.TestSupport.HttpProbe;

namespace ActorSmtp.Server.Tests.Telemetry;

/// <summary>/healthz over HTTP against a running server whose sink goes down and comes back.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_is_503_naming_the_sink_while_it_is_down_and_200_when_it_is_back()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = crashing
              sinks.crashing.type = "{{typeof(CrashingSink).AssemblyQualifiedName}}"
              sink-restart { min-backoff = 3s, max-backoff = 3s, random-factor = 0 }
            }
            """);
        var port = FreePort();
        await using var endpoint = await HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), server.Settings, NodeShape.Single, () => server.System, NullLoggerFactory.Instance);
        var healthz = $"http://127.0.0.1:{port}/healthz";

        Assert.Equal((HttpStatusCode.OK, "healthy\n"), await GetAsync(healthz));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"http://127.0.0.1:{port}/metrics")).Status); // the exporter shares the port

        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\n");
        await client.ExpectAsync("250");
        await client.BeginDataAsync();
        await client.SendAsync("Subject: crash\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250"); // stored, then the sink crashes

        var down = await PollAsync(healthz, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(3));
        Assert.Contains("sink crashing: down", down.Body);

        var back = await PollAsync(healthz, HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        Assert.Equal("healthy\n", back.Body);
    }

    [Fact]
    public async Task Healthz_is_503_while_the_sinks_circuit_is_open()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              sink = failing
              sinks.failing { type = "{{Sinks.MemorySink.TypeName}}", name = "health-failing", behaviour = fail,
                              circuit-breaker { max-failures = 2, reset-timeout = 1h } }
            }
            """);
        var port = FreePort();
        await using var endpoint = await HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), server.Settings, NodeShape.Single, () => server.System, NullLoggerFactory.Instance);
        var healthz = $"http://127.0.0.1:{port}/healthz";
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(healthz)).Status);

        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\n");
        await client.ExpectAsync("250");
        for (var i = 0; i < 2; i++)
        {
            await client.BeginDataAsync();
            await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");
            await client.ExpectAsync("451");
        }
        var (status, body) = await GetAsync(healthz);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("sink failing: circuit open", body);
    }

    [Fact]
    public async Task Healthz_is_503_before_the_server_started()
    {
        var port = FreePort();
        await using var endpoint = await HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), ReferenceSettings, NodeShape.Single,
            () => null, NullLoggerFactory.Instance);
        var (status, body) = await GetAsync($"http://127.0.0.1:{port}/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("server not started\n", body);
    }

    [Fact]
    public async Task A_port_in_use_is_an_invalid_setting_naming_the_key()
    {
        var port = FreePort();
        await using var first = await HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), ReferenceSettings, NodeShape.Single, () => null, NullLoggerFactory.Instance);
        var failure = await Assert.ThrowsAsync<SettingsException>(() =>
            HttpEndpoints.StartMetricsAsync(new MetricsSettings(true, "127.0.0.1", port), ReferenceSettings, NodeShape.Single, () => null, NullLoggerFactory.Instance));
        Assert.Equal("actorsmtp.metrics.port", failure.Key);
    }

    private static readonly ActorSmtpSettings ReferenceSettings = ActorSmtpSettings.FromConfig(ActorSmtp.Server.Hosting.ActorSmtpConfig.Reference, ActorSmtp.Host.ShippedSinks.Catalog());

    private static async Task<(HttpStatusCode Status, string Body)> PollAsync(string url, HttpStatusCode wanted, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await GetAsync(url);
            if (answer.Status == wanted || DateTime.UtcNow > until)
            {
                Assert.Equal(wanted, answer.Status);
                return answer;
            }
            await Task.Delay(100);
        }
    }
}
