using System.Diagnostics;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>Greeting delay with early-talker detection, junk commands and non-SMTP clients, as configured in HOCON.</summary>
public sealed class GreetingAndJunkTests
{
    [Fact]
    public async Task With_a_greeting_delay_a_client_that_talks_first_gets_554_5_5_1_and_is_closed_unanswered()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.greeting-delay = 2s");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("EHLO early.test\r\nMAIL FROM:<a@b.test>\r\n");
        await client.ExpectAsync("554 5.5.1 Protocol synchronization error");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", client.Unread); // no 220, and nothing it sent was executed
    }

    [Fact]
    public async Task With_a_greeting_delay_a_patient_client_is_greeted_after_it()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.greeting-delay = 1s");
        var clock = Stopwatch.StartNew();
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220 mx.test ESMTP");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"greeted after {clock.Elapsed}");
        await client.SendAsync("EHLO patient.test\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
    }

    [Fact]
    public async Task HTTP_requests_close_the_connection_unless_configured_off()
    {
        await using (var server = await TestServer.StartAsync())
        {
            await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
            await client.ExpectAsync("220");
            await client.SendAsync("GET / HTTP/1.1\r\nHost: mx.test\r\n\r\n");
            await client.ExpectAsync("221 2.7.0");
            Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }
        await using (var server = await TestServer.StartAsync("actorsmtp.limits.close-on-non-smtp-commands = off"))
        {
            await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
            await client.ExpectAsync("220");
            await client.SendAsync("POST /x HTTP/1.1\r\nNOOP\r\n");
            await client.ExpectAsync("500 5.5.2");
            await client.ExpectAsync("250");
        }
    }

    [Fact]
    public async Task NOOP_floods_past_max_junk_commands_count_as_errors_up_to_421_4_7_0()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits { max-junk-commands = 2, max-errors = 2 }");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n");
        for (var i = 0; i < 4; i++)
            await client.ExpectAsync("250");
        await client.ExpectAsync("421 4.7.0");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }
}
