using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// The mailbox in the executable as a user runs it (issue 17): the start-up line, a message sent with MailKit
/// awaited and read back over HTTP, the page, exit 2 for a taken port and for remote + anonymous, a message
/// stored while the mailbox was off found at the next start, and nothing of it loaded when it is off.
/// </summary>
public sealed partial class MailboxHostTests : IDisposable
{
    private readonly HostWorkspace _workspace = new("actorsmtp-mailbox-");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _workspace.Dispose();

    private const string Smtp = """actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]""";

    [Fact]
    public async Task A_message_sent_with_MailKit_is_awaited_by_recipient_and_read_back_byte_exact()
    {
        using var host = _workspace.Start($"--config \"{_workspace.Config(Smtp + "\nactorsmtp.mailbox.port = 0")}\"");
        var smtp = await host.ListeningPortAsync();
        var mailbox = await MailboxUrlAsync(host);

        var message = MimeMessages.Create("awaited", "sent by the application under test", to: "user@run-42.test");
        var awaiting = Http.GetAsync(new Uri(mailbox, "/api/v1/messages/await?to=*@run-42.test&timeout=20s"));
        await Task.Delay(200); // the await is registered before the message exists
        Assert.False(awaiting.IsCompleted);
        using (var client = await SmtpClients.ConnectAsync(new IPEndPoint(IPAddress.Loopback, smtp)))
        {
            var id = MimeMessages.QueuedId(await client.SendAsync(message));
            using var answer = await awaiting;
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var awaited = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal(id, awaited.RootElement.GetProperty("id").GetString());

            var raw = await Http.GetByteArrayAsync(new Uri(mailbox, $"/api/v1/messages/{id}/raw"));
            Assert.Equal(MimeMessages.WireBytes(message), raw);
            Assert.Equal(File.ReadAllBytes(Path.Combine(_workspace.Directory, "mail", id + ".eml")), raw);
        }
        using var page = await Http.GetAsync(mailbox);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_mailbox_port_in_use_stops_start_up_with_exit_code_2_naming_the_key()
    {
        using var taken = new PortInUse();
        using var host = _workspace.Start($"--config \"{_workspace.Config($"{Smtp}\nactorsmtp.mailbox.port = {taken.Port}")}\"");
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("actorsmtp.mailbox.port", host.Output);
    }

    [Fact]
    public async Task A_remote_address_with_no_users_refuses_to_start_naming_allow_anonymous_remote()
    {
        using var host = _workspace.Start($"--config \"{_workspace.Config($"{Smtp}\nactorsmtp.mailbox {{ address = \"0.0.0.0\", port = 0 }}")}\"");
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("actorsmtp.mailbox.allow-anonymous-remote", host.Output);
    }

    [Fact]
    public async Task A_message_stored_while_the_mailbox_was_off_is_listed_at_the_next_start()
    {
        string id;
        using (var off = _workspace.Start($"--config \"{_workspace.Config(Smtp + "\nactorsmtp.mailbox.enabled = off", "off.conf")}\""))
        {
            var smtp = await off.ListeningPortAsync();
            using var client = await SmtpClients.ConnectAsync(new IPEndPoint(IPAddress.Loopback, smtp));
            id = MimeMessages.QueuedId(await client.SendAsync(MimeMessages.Create("while off", "nobody indexed me")));
            await client.DisconnectAsync(true);
            off.Terminate();
            Assert.Equal(0, await off.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        using var on = _workspace.Start($"--config \"{_workspace.Config(Smtp + "\nactorsmtp.mailbox.port = 0", "on.conf")}\"");
        var mailbox = await MailboxUrlAsync(on);
        using var list = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/messages")));
        Assert.Equal([id], list.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task With_the_mailbox_off_neither_it_nor_SQLite_is_loaded()
    {
        using var host = _workspace.Start($"--config \"{_workspace.Config(Smtp + "\nactorsmtp.mailbox.enabled = off")}\"");
        await host.ListeningPortAsync();
        var loaded = host.LoadedAssemblies();
        Assert.Contains("ActorSmtp.Server.dll", loaded);
        Assert.DoesNotContain("ActorSmtp.Mailbox.dll", loaded);
        Assert.DoesNotContain("Microsoft.Data.Sqlite.dll", loaded);
        Assert.DoesNotContain("mailbox on", host.Output);
    }

    /// <summary>The URL of the start-up line <c>mailbox on http://127.0.0.1:PORT</c> (the issue's contract).</summary>
    /// <summary>The mailbox's URL from the host's start-up line (also for the release tests).</summary>
    internal static async Task<Uri> MailboxUrlAsync(HostProcess host)
    {
        for (var i = 0; i < 300; i++)
        {
            if (MailboxLine().Match(host.Output) is { Success: true } match)
                return new Uri(match.Groups[1].Value + "/");
            await Task.Delay(100);
        }
        throw new TimeoutException($"no 'mailbox on http://…' line in 30 s:\n{host.Output}");
    }

    [GeneratedRegex(@"mailbox on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex MailboxLine();
}
