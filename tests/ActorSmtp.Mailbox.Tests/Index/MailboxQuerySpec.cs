using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>Filters, globs, paging and text search over a real index.</summary>
public sealed class MailboxQuerySpec(ITestOutputHelper output) : MailboxSpecBase(output)
{
    private async Task<string[]> IdsAsync(Mailbox mailbox, MessageQuery query) =>
        (await mailbox.ListAsync(query, 100, null, CancellationToken.None)).Messages.Select(m => m.Id).ToArray();

    [Fact]
    public async Task Lists_newest_first_in_pages_by_cursor()
    {
        var mailbox = await OpenAsync();
        var mails = await StoreManyAsync(7);
        await ListedAsync(mailbox, 7);
        var newestFirst = mails.Reverse().Select(m => m.Id).ToArray();

        var first = await mailbox.ListAsync(MessageQuery.All, 3, null, CancellationToken.None);
        var second = await mailbox.ListAsync(MessageQuery.All, 3, first.Before, CancellationToken.None);
        var last = await mailbox.ListAsync(MessageQuery.All, 3, second.Before, CancellationToken.None);

        Assert.Equal(newestFirst[..3], first.Messages.Select(m => m.Id));
        Assert.Equal(newestFirst[3..6], second.Messages.Select(m => m.Id));
        Assert.Equal(newestFirst[6..], last.Messages.Select(m => m.Id));
        Assert.Equal(newestFirst[2], first.Before);
        Assert.Null(last.Before);
    }

    [Fact]
    public async Task Address_globs_match_envelope_and_header_addresses_case_insensitively()
    {
        var mailbox = await OpenAsync();
        var run42 = await StoreAsync(new TestMail { RcptTo = ["Alice@Run-42.test"] });
        var run43 = await StoreAsync(new TestMail { RcptTo = ["bob@run-43.test"] });
        var headerOnly = await StoreAsync(new TestMail { RcptTo = ["bcc@elsewhere.test"], HeaderTo = ["carol@run-42.test"] });
        var fromShop = await StoreAsync(new TestMail { MailFrom = "bounce@shop.test", HeaderFrom = "orders@shop.test" });
        await ListedAsync(mailbox, 4);

        Assert.Equal([headerOnly.Id, run42.Id], await IdsAsync(mailbox, new MessageQuery(To: "*@run-42.test")));
        Assert.Equal([run42.Id], await IdsAsync(mailbox, new MessageQuery(To: "alice@RUN-42.TEST")));
        Assert.Equal([run43.Id], await IdsAsync(mailbox, new MessageQuery(To: "b?b@*")));
        Assert.Empty(await IdsAsync(mailbox, new MessageQuery(To: "*@run-4"))); // anchored: a glob is not a substring
        Assert.Empty(await IdsAsync(mailbox, new MessageQuery(To: "alice@run-42.test.*"))); // and dots are dots
        Assert.Equal([fromShop.Id], await IdsAsync(mailbox, new MessageQuery(From: "orders@*")));
        Assert.Equal([fromShop.Id], await IdsAsync(mailbox, new MessageQuery(From: "bounce@shop.test")));
    }

    [Fact]
    public async Task Subject_is_a_case_insensitive_substring_and_time_bounds_are_received_at()
    {
        var mailbox = await OpenAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        var old = await StoreAsync(new TestMail { Subject = "Password reset", ReceivedAt = start });
        var recent = await StoreAsync(new TestMail { Subject = "Your PASSWORD was changed", ReceivedAt = start.AddHours(2) });
        await StoreAsync(new TestMail { Subject = "Welcome", ReceivedAt = start.AddHours(2) });
        await ListedAsync(mailbox, 3);

        Assert.Equal([recent.Id, old.Id], await IdsAsync(mailbox, new MessageQuery(Subject: "password")));
        Assert.Equal([recent.Id], await IdsAsync(mailbox, new MessageQuery(Subject: "password", Since: start.AddHours(1))));
        Assert.Equal([old.Id], await IdsAsync(mailbox, new MessageQuery(Subject: "password", Until: start.AddHours(1))));
        Assert.Equal([old.Id], await IdsAsync(mailbox, new MessageQuery(Since: start, Until: start.AddMilliseconds(1))));
    }

    [Fact]
    public async Task Text_searches_subject_addresses_and_body_including_html_only_bodies()
    {
        var mailbox = await OpenAsync();
        var plain = await StoreAsync(new TestMail { Subject = "Invoice", Text = "Your order 4711 has shipped. Café au lait." });
        var html = await StoreAsync(new TestMail { Text = null, Html = "<html><head><style>.secret{}</style></head><body><p>Tracking<b>code</b> ZX-99</p><script>var hidden = 1;</script></body></html>" });
        var address = await StoreAsync(new TestMail { RcptTo = ["dora@explorer.test"] });
        await ListedAsync(mailbox, 3);

        Assert.Equal([plain.Id], await IdsAsync(mailbox, new MessageQuery(Text: "order 4711")));
        Assert.Equal([plain.Id], await IdsAsync(mailbox, new MessageQuery(Text: "invoice")));
        Assert.Equal([plain.Id], await IdsAsync(mailbox, new MessageQuery(Text: "cafe"))); // diacritics folded
        Assert.Equal([plain.Id], await IdsAsync(mailbox, new MessageQuery(Text: "ship*"))); // prefix
        Assert.Empty(await IdsAsync(mailbox, new MessageQuery(Text: "order 4712")));  // every word must occur
        Assert.Equal([html.Id], await IdsAsync(mailbox, new MessageQuery(Text: "zx-99 code")));
        Assert.Empty(await IdsAsync(mailbox, new MessageQuery(Text: "hidden")));  // scripts and styles are not text
        Assert.Empty(await IdsAsync(mailbox, new MessageQuery(Text: "secret")));
        Assert.Equal([address.Id], await IdsAsync(mailbox, new MessageQuery(Text: "dora@explorer.test")));
        Assert.Equal([address.Id], await IdsAsync(mailbox, new MessageQuery(Text: "explorer", To: "dora@*")));
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("a AND OR NOT")]
    [InlineData("(group")]
    [InlineData("subject:x")]
    [InlineData("NEAR(a b)")]
    [InlineData("* ** \"\" -")]
    [InlineData("^start")]
    public async Task Search_syntax_in_user_text_is_never_an_error(string text)
    {
        var mailbox = await OpenAsync();
        await StoreAsync(new TestMail());
        await ListedAsync(mailbox, 1);

        var page = await mailbox.ListAsync(new MessageQuery(Text: text), 10, null, CancellationToken.None);

        Assert.Empty(page.Messages);
    }

    [Fact]
    public async Task Bad_arguments_name_their_parameter()
    {
        var mailbox = await OpenAsync();

        Assert.Equal("before", (await Assert.ThrowsAsync<ArgumentException>(() => mailbox.ListAsync(MessageQuery.All, 10, "NOSUCHMESSAGE", CancellationToken.None))).ParamName);
        Assert.Equal("before", (await Assert.ThrowsAsync<ArgumentException>(() => mailbox.ListAsync(MessageQuery.All, 10, "../etc/passwd", CancellationToken.None))).ParamName);
        Assert.Equal("limit", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => mailbox.ListAsync(MessageQuery.All, 0, null, CancellationToken.None))).ParamName);
        Assert.Equal("to", (await Assert.ThrowsAsync<ArgumentException>(() => mailbox.ListAsync(new MessageQuery(To: new string('*', 600)), 10, null, CancellationToken.None))).ParamName);
        Assert.Equal("q", (await Assert.ThrowsAsync<ArgumentException>(() => mailbox.ListAsync(new MessageQuery(Text: new string('a', 2000)), 10, null, CancellationToken.None))).ParamName);
        Assert.Equal("from", (await Assert.ThrowsAsync<ArgumentException>(() => mailbox.DeleteAsync(new MessageQuery(From: new string('?', 600)), CancellationToken.None))).ParamName);
        Assert.Equal("timeout", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => mailbox.AwaitAsync(MessageQuery.All, null, TimeSpan.FromSeconds(-2), CancellationToken.None))).ParamName);
        Assert.Null(mailbox.EmlPath("../../etc/passwd"));
        Assert.Null(await mailbox.FindAsync("../x", CancellationToken.None));
    }
}
