using System.Text.Json;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>Routes into real file sinks: each routed copy ("ID.1", "ID.2") is stored under its own name.</summary>
public sealed class FileSinkRoutingTests
{
    [Fact]
    public async Task A_message_split_between_two_file_sinks_is_stored_by_both_under_its_copy_ids()
    {
        var archive = Path.Combine(Path.GetTempPath(), "actorsmtp-archive-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await TestServer.StartAsync($$"""
                actorsmtp.routes = [ { domains = [ "b.test" ], sink = archive } ]
                actorsmtp.sinks.archive { type = file, directory = "{{archive}}" }
                """);
            await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
            await client.SendAsync("MAIL FROM:<s@x.test>\r\nRCPT TO:<one@a.test>\r\nRCPT TO:<two@b.test>\r\nDATA\r\n");
            await client.ExpectAsync("250");
            await client.ExpectAsync("250");
            await client.ExpectAsync("250");
            await client.ExpectAsync("354");
            await client.SendAsync("Subject: split\r\n\r\nbody\r\n.\r\n");
            var id = (await client.ExpectAsync("250 2.0.0")).Split(' ')[^1];

            var (local, _) = Assert.Single(server.StoredMessages());
            var routed = Assert.Single(Directory.GetFiles(archive, "*.eml"));
            Assert.Equal(new[] { $"{id}.1", $"{id}.2" }.Order(), new[] { local, Path.GetFileNameWithoutExtension(routed) }.Order());
            var envelope = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(routed, ".json"))).RootElement;
            Assert.Equal(["two@b.test"], envelope.GetProperty("rcpt-to").EnumerateArray().Select(r => r.GetString()));
        }
        finally
        {
            if (Directory.Exists(archive))
                Directory.Delete(archive, recursive: true);
        }
    }
}
