using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>Issue 15 §0c: the mail folder deleted and recreated under a running server (it answered 451 until a restart).</summary>
public sealed class FileSinkDirectoryTests
{
    [Fact]
    public async Task After_the_mail_folder_is_deleted_and_recreated_the_next_message_is_stored_in_the_new_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.BeginDataAsync();
        await client.SendAsync("Subject: before\r\n\r\nx\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        Directory.Delete(server.MailDirectory, recursive: true);
        Directory.CreateDirectory(server.MailDirectory);
        await client.BeginDataAsync();
        await client.SendAsync("Subject: after\r\n\r\ny\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var stored = Assert.Single(server.StoredMessages());
        Assert.Contains("Subject: after", System.Text.Encoding.ASCII.GetString(stored.Value));
    }
}
