using ActorSmtp.Sinks;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>What the index holds: every stored message once stored, never before, and the folder's truth after a restart.</summary>
public sealed class MailboxIndexSpec(ITestOutputHelper output) : MailboxSpecBase(output)
{
    [Fact]
    public async Task A_stored_message_is_listed_with_its_envelope_and_headers()
    {
        var mailbox = await OpenAsync();
        var mail = await StoreAsync(new TestMail
        {
            MailFrom = "bounce@app.test", RcptTo = ["a@run-1.test", "hidden@run-1.test"], HeaderFrom = "news@app.test",
            HeaderTo = ["a@run-1.test"], Subject = "Your order", Tls = true, AuthenticatedAs = "app",
        });

        var listed = Assert.Single((await ListedAsync(mailbox, 1)).Messages);

        Assert.Equal(new MessageSummary(mail.Id, DateTimeOffset.FromUnixTimeMilliseconds(mail.ReceivedAt.ToUnixTimeMilliseconds()), "bounce@app.test",
            ["a@run-1.test", "hidden@run-1.test"], "news@app.test", "a@run-1.test", "Your order", mail.Bytes().Length, Tls: true, "app",
            HeaderRecipientsDiffer: true) with { RcptTo = listed.RcptTo }, listed);
        Assert.Equal(mail.RcptTo, listed.RcptTo);
        var found = await mailbox.FindAsync(mail.Id, CancellationToken.None);
        Assert.Equal(listed, found! with { RcptTo = listed.RcptTo });
        Assert.Equal(Path.Combine(MailDirectory, mail.Id + ".eml"), mailbox.EmlPath(mail.Id));
    }

    [Fact]
    public async Task A_body_still_streaming_is_neither_listed_nor_awaited_until_it_is_stored()
    {
        var mailbox = await OpenAsync();
        var release = new TaskCompletionSource<bool>();
        var id = NewId();
        var awaiting = mailbox.AwaitAsync(MessageQuery.All, null, TimeSpan.FromSeconds(10), CancellationToken.None);
        var storing = Sink.Ask<SinkProtocol.Result>(new SinkProtocol.Store(Envelope(id), Headers("Subject: slow\r\n\r\n"),
            GatedBody(Bytes("Subject: slow\r\n\r\nfirst half\r\n"), release.Task, Bytes("second half\r\n"))), TimeSpan.FromSeconds(10));

        await Task.Delay(300); // the first half is on disk by now, under no name
        Assert.Null(await mailbox.FindAsync(id, CancellationToken.None));
        Assert.Null(mailbox.EmlPath(id));
        Assert.False(awaiting.IsCompleted);

        release.SetResult(true);
        Assert.IsType<SinkProtocol.Stored>(await storing);
        Assert.Equal(id, (await awaiting)?.Id);
        Assert.Equal("slow", (await mailbox.FindAsync(id, CancellationToken.None))?.Subject);
    }

    [Fact]
    public async Task A_message_stored_while_no_mailbox_ran_is_found_at_the_next_open()
    {
        var mailbox = await OpenAsync();
        var before = await StoreAsync(new TestMail());
        await ListedAsync(mailbox, 1);
        await CloseAsync(mailbox);

        var whileOff = await StoreAsync(new TestMail { Subject = "while off" });
        var reopened = await OpenAsync();

        var listed = await reopened.ListAsync(MessageQuery.All, 10, null, CancellationToken.None);
        Assert.Equal([whileOff.Id, before.Id], listed.Messages.Select(m => m.Id));
        Assert.Contains(Logged.Lines, line => line.Contains("indexed 1 messages and dropped 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_whose_eml_vanished_while_no_mailbox_ran_is_dropped_at_the_next_open()
    {
        var mailbox = await OpenAsync();
        var kept = await StoreAsync(new TestMail());
        var vanished = await StoreAsync(new TestMail());
        await ListedAsync(mailbox, 2);
        await CloseAsync(mailbox);

        File.Delete(Path.Combine(MailDirectory, vanished.Id + ".eml"));
        var reopened = await OpenAsync();

        Assert.Equal([kept.Id], (await reopened.ListAsync(MessageQuery.All, 10, null, CancellationToken.None)).Messages.Select(m => m.Id));
        Assert.Null(await reopened.FindAsync(vanished.Id, CancellationToken.None));
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("corrupt")]
    [InlineData("other version")]
    public async Task An_index_deleted_corrupt_or_of_another_version_is_rebuilt_from_the_files(string damage)
    {
        var mailbox = await OpenAsync();
        var mails = await StoreManyAsync(5);
        await ListedAsync(mailbox, 5);
        await CloseAsync(mailbox);

        Damage(damage);
        var reopened = await OpenAsync();

        var listed = await reopened.ListAsync(MessageQuery.All, 10, null, CancellationToken.None);
        Assert.Equal(mails.Select(m => m.Id).Order(StringComparer.Ordinal), listed.Messages.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Single((await reopened.ListAsync(new MessageQuery(Text: "Message 3"), 10, null, CancellationToken.None)).Messages); // the text index too
    }

    [Fact]
    public async Task Rebuild_drops_the_index_and_indexes_the_files_again()
    {
        var mailbox = await OpenAsync();
        await StoreManyAsync(3);
        await ListedAsync(mailbox, 3);
        var extra = new TestMail { Subject = "written behind the index" };
        await File.WriteAllBytesAsync(Path.Combine(MailDirectory, extra.Id + ".json"), EnvelopeDocument.Serialize(extra.Store().Envelope, extra.Store().Headers, extra.Bytes().Length));
        await File.WriteAllBytesAsync(Path.Combine(MailDirectory, extra.Id + ".eml"), extra.Bytes());

        await mailbox.RebuildAsync(CancellationToken.None);

        Assert.Equal(4, (await mailbox.ListAsync(MessageQuery.All, 10, null, CancellationToken.None)).Messages.Count);
        Assert.Equal("written behind the index", (await mailbox.FindAsync(extra.Id, CancellationToken.None))?.Subject);
    }

    [Fact]
    public async Task A_mailbox_indexes_only_its_own_sinks_folder()
    {
        var mailbox = await OpenAsync();
        var other = Sys.ActorOf(Props.Create(typeof(ActorSmtp.Sinks.File.FileSink), Akka.Configuration.ConfigurationFactory.ParseString(
            $"directory = {System.Text.Json.JsonSerializer.Serialize(MailDirectory + "-other")}")));
        var elsewhere = new TestMail();
        Assert.IsType<SinkProtocol.Stored>(await other.Ask<SinkProtocol.Result>(elsewhere.Store(), TimeSpan.FromSeconds(10)));
        var here = await StoreAsync(new TestMail());

        Assert.Equal(here.Id, Assert.Single((await ListedAsync(mailbox, 1)).Messages).Id);
        Directory.Delete(MailDirectory + "-other", recursive: true);
    }

    private void Damage(string damage)
    {
        switch (damage)
        {
            case "deleted":
                File.Delete(IndexPath);
                break;
            case "corrupt":
                File.Delete(IndexPath + "-wal");
                File.Delete(IndexPath + "-shm");
                File.WriteAllBytes(IndexPath, [.. System.Text.Encoding.ASCII.GetBytes("this is not an SQLite file at all"), .. new byte[4096]]);
                break;
            default:
                using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={IndexPath};Pooling=False"))
                {
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "UPDATE meta SET value = '0' WHERE key = 'schema-version'";
                    Assert.Equal(1, command.ExecuteNonQuery());
                }
                break;
        }
    }
}
