using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using ActorSmtp.Server.Auth;
using ActorSmtp.Server.Listener;
using ActorSmtp.Server.Telemetry;
using Xunit;

namespace ActorSmtp.Server.Tests.Telemetry;

/// <summary>
/// The instruments behind /metrics, read in process with a <see cref="MeterListener"/>: TLS handshake failures,
/// AUTH failures, limit hits, refused connections. The meter is process-wide and other tests run alongside,
/// so these check that a count moved by at least what this test caused.
/// </summary>
public sealed class MetricsSpec : IDisposable
{
    private readonly MetricCounts _counts = new();

    public void Dispose() => _counts.Dispose();

    private long Count(string key) => _counts[key];

    [Fact]
    public async Task Tls_failures_auth_failures_limit_hits_and_refusals_are_counted()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0, tls = implicit },
                            { address = "127.0.0.1", port = 0, auth = optional } ]
              auth { users = [ { name = alice, password-hash = "{{PasswordHash.Create("right")}}" } ], allow-insecure-auth = on, failure-delay = 10ms }
              limits { max-recipients = 1, max-connections = 2 }
            }
            """);
        var plain = server.Server.EndPoints[1];

        // First, while no other connection counts against max-connections.
        using (var tls = new TcpClient())
        {
            await tls.ConnectAsync(server.Server.EndPoints[0]);
            await tls.GetStream().WriteAsync("EHLO not-tls\r\n\r\n\r\n"u8.ToArray()); // not a TLS ClientHello
            var buffer = new byte[256];
            try
            {
                while (await tls.GetStream().ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
                // reset by the server: as good as closed
            }
        }

        await AssertEventuallyAsync(() => server.Server.Listener
            .Ask<ListenerProtocol.Status>(ListenerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(3)).Result.ActiveConnections == 0,
            "the failed TLS connection is gone");

        await using var first = await RawSmtpClient.ConnectAsync(plain);
        await first.ExpectAsync("220");
        await first.SendAsync("EHLO counted\r\n");
        await first.ExpectAsync("250");
        await first.SendAsync($"AUTH PLAIN {Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0wrong"))}\r\n");
        await first.ExpectAsync("535");
        await first.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<one@x.test>\r\nRCPT TO:<two@x.test>\r\n");
        await first.ExpectAsync("250");
        await first.ExpectAsync("250");
        await first.ExpectAsync("452 4.5.3");

        await using (var second = await RawSmtpClient.ConnectAsync(plain))
        {
            await second.ExpectAsync("220");
            await using var third = await RawSmtpClient.ConnectAsync(plain);
            await third.ExpectAsync("421 4.7.0"); // max-connections = 2
        }

        await AssertEventuallyAsync(() => Count("actorsmtp.tls.handshake_failures") >= 1, "tls.handshake_failures");
        Assert.True(Count("actorsmtp.auth.failures") >= 1);
        Assert.True(Count("actorsmtp.limits.hits|limit=max-recipients") >= 1);
        Assert.True(Count("actorsmtp.limits.hits|limit=max-connections") >= 1);
        Assert.True(Count("actorsmtp.connections.refused|reason=max-connections") >= 1);
        Assert.True(Count("actorsmtp.connections.accepted") >= 3);
    }

    [Fact]
    public async Task Per_client_rate_refusals_are_limit_hits()
    {
        await using var server = await TestServer.StartAsync($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0, tls = starttls, auth = optional },
                            { address = "127.0.0.1", port = 0, tls = implicit } ]
              auth { users = [ { name = alice, password-hash = "{{PasswordHash.Create("right")}}" } ], allow-insecure-auth = on, failure-delay = 0s }
              limits { auth-rate-per-client = 1, tls-session-rate-per-client = 1, message-rate-per-client = 1, recipient-rate-per-client = 1 }
              trusted-networks = []
            }
            """);
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        var wrong = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0wrong"));
        await client.SendAsync($"AUTH PLAIN {wrong}\r\nAUTH PLAIN {wrong}\r\n");
        await client.ExpectAsync("535");
        await client.ExpectAsync("450 4.7.1");
        await client.SendAsync("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nRSET\r\nMAIL FROM:<a@example.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("452 4.7.0 Error: too many recipients");
        await client.ExpectAsync("250");
        await client.ExpectAsync("452 4.7.0 Error: too many messages");
        using (var allowed = new TcpClient()) // the one TLS session the rate allows
        {
            await allowed.ConnectAsync(server.Server.EndPoints[1]);
            await using var tls = new System.Net.Security.SslStream(allowed.GetStream(), false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("localhost");
        }
        await using (var refused = await RawSmtpClient.ConnectAsync(server.Server.EndPoints[1]))
            Assert.True(await refused.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await client.SendAsync("STARTTLS\r\n");
        await client.ExpectAsync("421 4.7.0");

        Assert.True(Count("actorsmtp.limits.hits|limit=auth-rate-per-client") >= 1);
        Assert.True(Count("actorsmtp.limits.hits|limit=tls-session-rate-per-client") >= 2); // implicit TLS and STARTTLS
        Assert.True(Count("actorsmtp.limits.hits|limit=message-rate-per-client") >= 1);
        Assert.True(Count("actorsmtp.limits.hits|limit=recipient-rate-per-client") >= 1);
    }

    private static async Task AssertEventuallyAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 100 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition(), what);
    }
}
