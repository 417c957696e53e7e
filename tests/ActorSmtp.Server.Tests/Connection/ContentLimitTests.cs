using System.Text;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>Header block size (552 5.3.4, nothing stored) and the policy for data lines over 1000 octets.</summary>
public sealed class ContentLimitTests
{
    [Fact]
    public async Task A_header_block_over_max_header_size_gets_552_5_3_4_after_the_end_and_nothing_is_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-header-size = 4KiB");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        var header = new StringBuilder("Subject: big\r\nTo: ");
        for (var i = 0; i < 300; i++)
            header.Append($"r{i}@x.test,\r\n ");
        header.Append("last@x.test\r\n");
        await client.SendAsync(header + "\r\nbody\r\n" + new string('z', 70_000) + "\r\n.\r\n");
        await client.ExpectAsync("552 5.3.4 Error: message header size exceeds limit");

        await client.SendAsync("RSET\r\n"); // the session goes on
        await client.ExpectAsync("250");
        Assert.Empty(server.StoredMessages());
        Assert.Empty(server.AllFiles()); // no temporary file left either
    }

    [Fact]
    public async Task A_header_block_under_the_limit_and_a_long_body_without_headers_are_stored()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-header-size = 4KiB");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        await client.SendAsync("Subject: fine\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('a', 70) + "\r\n", 200)) + ".\r\n");
        await client.ExpectAsync("250 2.0.0");
        await client.BeginDataAsync();
        var noHeaders = string.Concat(Enumerable.Repeat("just text, no header at all " + new string('b', 40) + "\r\n", 200));
        await client.SendAsync(noHeaders + ".\r\n");
        var queued = await client.ExpectAsync("250 2.0.0");
        Assert.Equal(noHeaders, Encoding.ASCII.GetString(server.StoredMessages()[queued.Split(' ')[^1]]));
    }

    [Fact]
    public async Task Data_lines_over_1000_octets_are_stored_unchanged_by_default()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        var body = "Subject: long line\r\n\r\n" + new string('L', 5000) + "\r\n";
        await client.SendAsync(body + ".\r\n");
        var queued = await client.ExpectAsync("250 2.0.0");
        Assert.Equal(body, Encoding.ASCII.GetString(server.StoredMessages()[queued.Split(' ')[^1]]));
    }

    [Fact]
    public async Task Data_lines_over_1000_octets_get_552_5_3_4_with_long_data_lines_reject()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.long-data-lines = reject");
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        await client.SendAsync("Subject: ok\r\n\r\n" + new string('k', 998) + "\r\n.\r\n"); // exactly 1000 with CR LF
        await client.ExpectAsync("250 2.0.0");
        await client.BeginDataAsync();
        await client.SendAsync("Subject: long\r\n\r\n" + new string('L', 999) + "\r\n.\r\n");
        await client.ExpectAsync("552 5.3.4 Error: message line longer than 1000 octets");
        Assert.Single(server.StoredMessages());
    }
}
