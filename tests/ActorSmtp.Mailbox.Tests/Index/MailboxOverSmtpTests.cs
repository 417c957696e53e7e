using ActorSmtp.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>The whole path on real parts: MailKit over SMTP on 127.0.0.1:0, the server's file sink, the mailbox's index.</summary>
public sealed class MailboxOverSmtpTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private Mailbox _mailbox = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _mailbox = await Mailbox.OpenAsync(_server.System, _server.MailDirectory, RetentionSettings.Unlimited, NullLoggerFactory.Instance, CancellationToken.None);
    }

    [Fact]
    public async Task An_await_by_recipient_answers_with_the_message_the_250_named()
    {
        var awaiting = _mailbox.AwaitAsync(new MessageQuery(To: "*@run-42.test"), null, TimeSpan.FromSeconds(20), CancellationToken.None);
        using var client = await _server.ConnectAsync();

        await client.SendAsync(MimeMessages.Create("other run", "not this one", to: "qa@run-41.test"));
        var queued = await client.SendAsync(MimeMessages.Create("Your code", "code 31337", to: "qa@run-42.test"));

        var message = await awaiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(MimeMessages.QueuedId(queued), message?.Id);
        Assert.Equal("Your code", message?.Subject);
        Assert.Equal(["qa@run-42.test"], message?.RcptTo);
        var found = Assert.Single((await _mailbox.ListAsync(new MessageQuery(Text: "31337"), 10, null, CancellationToken.None)).Messages);
        Assert.Equal(message?.Id, found.Id);
        Assert.Equal(File.ReadAllBytes(_mailbox.EmlPath(found.Id)!).Length, found.Size);
    }

    public async Task DisposeAsync()
    {
        await _mailbox.DisposeAsync();
        await _server.DisposeAsync();
    }
}
