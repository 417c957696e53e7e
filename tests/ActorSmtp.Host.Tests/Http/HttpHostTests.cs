using System.Net;
using System.Text.RegularExpressions;
using Xunit;
using static ActorSmtp.TestSupport.HttpProbe;

namespace ActorSmtp.Host.Tests.Http;

/// <summary>The executable's HTTP endpoints on Kestrel (issue 16 §4): what the HttpListeners before it got wrong, and what it must not cost.</summary>
public sealed class HttpHostTests : IDisposable
{
    private readonly HostWorkspace _workspace = new("actorsmtp-http-");

    public void Dispose() => _workspace.Dispose();


    [Fact]
    public async Task Metrics_and_healthz_answer_whatever_name_the_scraper_uses_for_the_host()
    {
        // A scraper reaches the node by a DNS or service name; the HttpListener matched the Host header against
        // the configured address and answered 400 "Invalid Hostname" to anything else.
        var metricsPort = FreePort();
        using var host = _workspace.Start($$"""--config "{{_workspace.Config($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]
            actorsmtp.metrics { enabled = on, address = "127.0.0.1", port = {{metricsPort}} }
            """)}}" """);
        await host.ListeningPortAsync();
        using var http = new HttpClient();
        foreach (var path in new[] { "/healthz", "/metrics" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{metricsPort}{path}");
            request.Headers.Host = $"actorsmtp-0.mail.svc:{metricsPort}";
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Messages_before_the_first_scrape_are_counted()
    {
        // The exporter's meter provider must listen from start-up, not from the first request to /metrics.
        var metricsPort = FreePort();
        using var host = _workspace.Start($$"""--config "{{_workspace.Config($$"""
            actorsmtp.hostname = "mx.test"
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]
            actorsmtp.metrics { enabled = on, address = "127.0.0.1", port = {{metricsPort}} }
            """)}}" """);
        var port = await host.ListeningPortAsync();
        await using (var client = await RawSmtpClient.GreetedAsync(new IPEndPoint(IPAddress.Loopback, port)))
        {
            await client.BeginDataAsync();
            await client.SendAsync("Subject: before\r\n\r\nbody\r\n.\r\n");
            await client.ExpectAsync("250");
        }
        var (status, scrape) = await GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, Sample(scrape, "actorsmtp_messages_accepted_total"));
    }

    [Fact]
    public async Task Healthz_on_a_front_node_says_when_no_storage_node_is_reachable()
    {
        var metricsPort = FreePort();
        using var host = _workspace.Start($$"""--config "{{_workspace.Config($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0 } ]
              metrics { enabled = on, address = "127.0.0.1", port = {{metricsPort}} }
              cluster { enabled = on, hostname = "127.0.0.1", port = 0, seed-nodes = [], roles = [smtp] }
            }
            """)}}" """);
        await host.ListeningPortAsync();
        var (status, body) = await WaitForAsync($"http://127.0.0.1:{metricsPort}/healthz", TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("cluster: no storage node reachable\n", body);
    }

    [Fact]
    public async Task A_cluster_view_port_in_use_stops_start_up_with_exit_code_2_naming_the_key()
    {
        using var taken = new PortInUse();
        var port = taken.Port;
        using var host = _workspace.Start($$"""--config "{{_workspace.Config($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]
            actorsmtp.cluster { enabled = on, hostname = "127.0.0.1", port = 0, seed-nodes = [], view { enabled = on, port = {{port}} } }
            """)}}" """);
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("actorsmtp.cluster.view.port", host.Output);
    }

    [Fact]
    public async Task With_metrics_off_no_web_server_is_loaded()
    {
        using var host = _workspace.Start($$"""--config "{{_workspace.Config("""actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]""")}}" """);
        await host.ListeningPortAsync();
        var loaded = await File.ReadAllTextAsync($"/proc/{host.Id}/maps");
        Assert.Contains("ActorSmtp.Server.dll", loaded);
        // The shared framework's folder holds Microsoft.Extensions.* too: look for ASP.NET Core's own assemblies.
        Assert.DoesNotMatch(@"/Microsoft\.AspNetCore\.[A-Za-z.]*\.dll", loaded);
    }
}
