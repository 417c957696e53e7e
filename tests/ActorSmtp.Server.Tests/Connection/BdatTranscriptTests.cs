using System.Text;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

/// <summary>BDAT (RFC 3030) over a real socket: chunk octets are data, never commands, and stored exactly as sent.</summary>
public sealed class BdatTranscriptTests
{
    private static async Task<RawSmtpClient> InTransactionAsync(TestServer server)
    {
        var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220 mx.test ESMTP");
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<r@x.test>\r\n");
        Assert.Contains("250-CHUNKING", string.Join("\n", await client.ReadReplyAsync()));
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        return client;
    }

    private static string Bdat(string chunk, bool last = false) =>
        $"BDAT {Encoding.UTF8.GetByteCount(chunk)}{(last ? " LAST" : "")}\r\n{chunk}";

    [Fact]
    public async Task Pipelined_chunks_are_stored_exactly_dots_and_terminators_included()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await InTransactionAsync(server);
        string[] chunks = ["Subject: chunks\r\n\r\n.leading dot\r\n", "..two\r\n.\r\nMAIL FROM:<evil@b.test>\r\n", "bare\nLF\r\n.\r\n"];
        await client.SendAsync(Bdat(chunks[0]) + Bdat(chunks[1]) + Bdat(chunks[2], last: true) + "NOOP\r\n");
        await client.ExpectAsync($"250 2.0.0 {chunks[0].Length} octets received");
        await client.ExpectAsync($"250 2.0.0 {chunks[1].Length} octets received");
        var queued = await client.ExpectAsync("250 2.0.0 Ok: queued as ");
        await client.ExpectAsync("250 2.0.0 Ok"); // the NOOP: nothing inside the chunks was executed

        Assert.Equal(string.Concat(chunks), Encoding.UTF8.GetString(server.StoredMessages()[queued.Split(' ')[^1]]));
        Assert.Single(server.StoredMessages());
    }

    [Fact]
    public async Task Bdat_0_last_ends_the_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await InTransactionAsync(server);
        await client.SendAsync(Bdat("Subject: zero\r\n\r\nhi\r\n") + "BDAT 0 LAST\r\n");
        await client.ExpectAsync("250 2.0.0 21 octets received");
        var queued = await client.ExpectAsync("250 2.0.0 Ok: queued as ");
        Assert.Equal("Subject: zero\r\n\r\nhi\r\n", Encoding.UTF8.GetString(server.StoredMessages()[queued.Split(' ')[^1]]));
    }

    [Fact]
    public async Task A_refused_chunks_octets_are_not_executed_as_commands()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\nMAIL FROM:<a@b.test>\r\n" + Bdat("RSET\r\nHELP\r\n", last: true) + "NOOP\r\nQUIT\r\n");
        await client.ExpectAsync("250 ENHANCEDSTATUSCODES");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("503 5.5.1 Error: need RCPT command");
        await client.ExpectAsync("250 2.0.0 Ok"); // the NOOP
        await client.ExpectAsync("221 2.0.0"); // not HELP's 214: the chunk was dropped whole
        Assert.Empty(server.StoredMessages());
    }

    [Fact]
    public async Task Oversize_gets_552_at_the_chunk_nothing_is_stored_and_later_chunks_are_refused()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 2048");
        await using var client = await InTransactionAsync(server);
        var first = "Subject: big\r\n\r\n" + new string('a', 1500);
        await client.SendAsync(Bdat(first) + Bdat(new string('b', 1000)) + Bdat("tail\r\n", last: true) + "NOOP\r\n");
        await client.ExpectAsync($"250 2.0.0 {first.Length} octets received");
        await client.ExpectAsync("552 5.3.4");
        await client.ExpectAsync("503 5.5.1"); // the rest of the failed message
        await client.ExpectAsync("250 2.0.0 Ok");
        Assert.Empty(server.StoredMessages());
    }

    [Fact]
    public async Task Rset_between_chunks_abandons_the_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await InTransactionAsync(server);
        await client.SendAsync(Bdat("Subject: first\r\n\r\nAAA\r\n") + "RSET\r\n");
        await client.ExpectAsync("250 2.0.0 23 octets received");
        await client.ExpectAsync("250 2.0.0 Ok");
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r@x.test>\r\n" + Bdat("Subject: second\r\n\r\nBBB\r\n", last: true));
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        var queued = await client.ExpectAsync("250 2.0.0 Ok: queued as ");
        // Only the second message, and none of the first's chunk in it.
        Assert.Equal("Subject: second\r\n\r\nBBB\r\n", Encoding.UTF8.GetString(Assert.Single(server.StoredMessages()).Value));
        Assert.EndsWith(Assert.Single(server.StoredMessages()).Key, queued);
    }

    [Fact]
    public async Task Client_that_disconnects_mid_chunk_leaves_no_file()
    {
        await using var server = await TestServer.StartAsync();
        await using (var client = await InTransactionAsync(server))
        {
            await client.SendAsync(Bdat("Subject: first\r\n\r\nAAA\r\n"));
            await client.ExpectAsync("250 2.0.0");
            // Past the header block, so the sink is already writing, and 100 000 octets short of the end.
            await client.SendAsync("BDAT 400000 LAST\r\n" + new string('y', 300_000));
        }
        Assert.Empty(await server.FilesAfterCleanupAsync());
    }

    [Fact]
    public async Task One_large_chunk_streams_into_the_sink_byte_exact()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 64MiB");
        await using var client = await InTransactionAsync(server);
        var body = new byte[20 * 1024 * 1024];
        new Random(7).NextBytes(body); // any octet, NUL, CR, LF and dots included
        byte[] message = [.. "Subject: large\r\n\r\n"u8, .. body];
        await client.SendAsync($"BDAT {message.Length} LAST\r\n");
        await client.SendAsync(message);
        var queued = await client.ExpectAsync("250 2.0.0 Ok: queued as ");
        Assert.Equal(message, server.StoredMessages()[queued.Split(' ')[^1]]);
    }

    [Fact]
    public async Task Data_after_bdat_is_refused_and_an_unreadable_size_closes_with_521()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await InTransactionAsync(server);
        await client.SendAsync(Bdat("x") + "DATA\r\nBDAT ten LAST\r\nNOOP\r\n");
        await client.ExpectAsync("250 2.0.0 1 octets received");
        await client.ExpectAsync("503 5.5.1 Error: DATA after BDAT");
        await client.ExpectAsync("521 5.5.4 Syntax: BDAT count [LAST]");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(server.StoredMessages());
    }

    [Fact]
    public async Task Chunking_off_is_not_advertised_and_bdat_is_an_unknown_command()
    {
        await using var server = await TestServer.StartAsync("actorsmtp.chunking = off");
        await using var client = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c\r\n");
        Assert.DoesNotContain("CHUNKING", string.Join("\n", await client.ReadReplyAsync()));
        await client.SendAsync("MAIL FROM:<a@b.test>\r\nRCPT TO:<r@x.test>\r\nBDAT 6 LAST\r\nNOOP\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("500 5.5.2");
        await client.ExpectAsync("250 2.0.0 Ok"); // "NOOP\r\n" is a command again when BDAT means nothing
    }
}
