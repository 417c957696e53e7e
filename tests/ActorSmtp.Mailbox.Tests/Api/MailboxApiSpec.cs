using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorSmtp.Mailbox.Tests.Index;
using MimeKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Api;

/// <summary>Every route of /api/v1 over real HTTP, in-process, over real files.</summary>
public sealed class MailboxApiSpec(ITestOutputHelper output) : ApiSpecBase(output)
{
    [Fact]
    public async Task Messages_are_listed_newest_first_filtered_and_paged_by_cursor()
    {
        await StartApiAsync();
        var first = await StoreAsync(new TestMail { RcptTo = ["a@run-41.test"], Subject = "Welcome aboard" });
        var second = await StoreAsync(new TestMail { RcptTo = ["b@run-42.test"], Subject = "Your invoice" });
        var third = await StoreAsync(new TestMail { RcptTo = ["c@run-42.test"], Subject = "Password reset" });
        await ListedAsync(Box, 3);

        var all = await PageAsync("messages");
        Assert.Equal([third.Id, second.Id, first.Id], Ids(all));
        Assert.Equal("c@run-42.test", all.GetProperty("messages")[0].GetProperty("rcptTo")[0].GetString());
        Assert.Equal("Password reset", all.GetProperty("messages")[0].GetProperty("subject").GetString());
        Assert.Equal([third.Id, second.Id], Ids(await PageAsync("messages?to=*@RUN-42.test")));
        Assert.Equal([second.Id], Ids(await PageAsync("messages?subject=invoice")));
        Assert.Equal([first.Id], Ids(await PageAsync("messages?q=welcome")));

        var page1 = await PageAsync("messages?limit=2");
        Assert.Equal([third.Id, second.Id], Ids(page1));
        var page2 = await PageAsync($"messages?limit=2&before={page1.GetProperty("before").GetString()}");
        Assert.Equal([first.Id], Ids(page2));
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("before").ValueKind);
    }

    [Theory]
    [InlineData("messages?limit=0", "limit")]
    [InlineData("messages?limit=lots", "limit")]
    [InlineData("messages?since=yesterday", "since")]
    [InlineData("messages?too=a@b.test", "too")]
    [InlineData("messages?to=", "to")]
    [InlineData("messages?to=a@b.test&to=c@d.test", "to")]
    [InlineData("messages?before=NOSUCHID", "before")]
    [InlineData("messages/await?timeout=forever", "timeout")]
    [InlineData("messages/await?timeout=3h", "timeout")]
    public async Task A_bad_parameter_is_a_400_naming_it(string path, string parameter)
    {
        await StartApiAsync();
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(parameter, error.GetProperty("parameter").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_misspelt_filter_on_delete_deletes_nothing()
    {
        await StartApiAsync();
        await StoreManyAsync(2);
        await ListedAsync(Box, 2);
        using var response = await Http.DeleteAsync("messages?too=a@b.test");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(2, StoredIds().Length);
    }

    [Fact]
    public async Task A_message_is_shown_parsed_with_its_envelope_text_html_and_attachments()
    {
        await StartApiAsync();
        var mail = await StoreAsync(AttachedMail.Mail());
        await ListedAsync(Box, 1);

        var view = await Http.GetFromJsonAsync<JsonElement>($"messages/{mail.Id}");
        Assert.Equal(mail.Id, view.GetProperty("message").GetProperty("id").GetString());
        Assert.Equal(mail.Id, view.GetProperty("envelope").GetProperty("id").GetString());
        Assert.Contains(view.GetProperty("headers").EnumerateArray(),
            h => h.GetProperty("name").GetString() == "Subject" && h.GetProperty("value").GetString() == "Report attached");
        Assert.Equal("See the report.", view.GetProperty("text").GetString()!.Trim());
        Assert.Contains("<b>report</b>", view.GetProperty("html").GetString());
        var attachment = Assert.Single(view.GetProperty("attachments").EnumerateArray());
        Assert.Equal(0, attachment.GetProperty("index").GetInt32());
        Assert.Equal("report.bin", attachment.GetProperty("name").GetString());
        Assert.Equal("application/octet-stream", attachment.GetProperty("type").GetString());
        Assert.Equal(AttachedMail.Content.Length, attachment.GetProperty("size").GetInt64());

        using var decoded = await Http.GetAsync($"messages/{mail.Id}/attachments/0");
        Assert.Equal("application/octet-stream", decoded.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AttachedMail.Content, await decoded.Content.ReadAsByteArrayAsync());
        await AssertErrorAsync(await Http.GetAsync($"messages/{mail.Id}/attachments/1"), HttpStatusCode.NotFound, "n");
        await AssertErrorAsync(await Http.GetAsync($"messages/{mail.Id}/attachments/first"), HttpStatusCode.BadRequest, "n");
    }

    [Fact]
    public async Task Raw_is_exactly_the_stored_bytes()
    {
        await StartApiAsync();
        var mail = await StoreAsync(new TestMail { Text = "Line one\r\n.leading dot\r\n\r\nlast" });
        await ListedAsync(Box, 1);
        using var response = await Http.GetAsync($"messages/{mail.Id}/raw");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message/rfc822", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("\r\n.leading dot\r\n", System.Text.Encoding.ASCII.GetString(bytes)); // as sent, not dot-stuffed
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(MailDirectory, mail.Id + ".eml")), bytes);
    }

    [Fact]
    public async Task An_unknown_id_is_a_404_on_every_route()
    {
        await StartApiAsync();
        foreach (var path in new[] { "messages/NOSUCHID", "messages/NOSUCHID/raw", "messages/NOSUCHID/attachments/0", "messages/..%2F..%2Fetc%2Fpasswd/raw" })
            await AssertErrorAsync(await Http.GetAsync(path), HttpStatusCode.NotFound, "id");
        await AssertErrorAsync(await Http.DeleteAsync("messages/NOSUCHID"), HttpStatusCode.NotFound, "id");
    }

    [Fact]
    public async Task Delete_removes_the_files_and_the_index_entry_one_or_by_filter()
    {
        await StartApiAsync();
        var keep = await StoreAsync(new TestMail { RcptTo = ["keep@run-1.test"] });
        var one = await StoreAsync(new TestMail { RcptTo = ["one@run-2.test"] });
        var rest = await StoreManyAsync(3, _ => new TestMail { RcptTo = ["x@run-3.test"] });
        await ListedAsync(Box, 5);

        using (var deleted = await Http.DeleteAsync($"messages/{one.Id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(one.Id, StoredIds());
        Assert.False(File.Exists(Path.Combine(MailDirectory, one.Id + ".json")));
        using (var again = await Http.GetAsync($"messages/{one.Id}"))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        using var matching = await Http.DeleteAsync("messages?to=*@run-3.test");
        Assert.Equal(3, (await matching.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deleted").GetInt32());
        Assert.Equal([keep.Id], StoredIds());
        Assert.Equal([keep.Id], Ids(await PageAsync("messages")));
        Assert.All(rest, mail => Assert.False(File.Exists(Path.Combine(MailDirectory, mail.Id + ".eml"))));

        using var all = await Http.DeleteAsync("messages");
        Assert.Equal(1, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deleted").GetInt32());
        Assert.Empty(StoredIds());
    }

    [Fact]
    public async Task Await_answers_when_a_matching_message_is_stored_and_not_before()
    {
        await StartApiAsync();
        var since = DateTimeOffset.UtcNow.AddHours(-1).ToString("O");
        var waiting = Http.GetAsync($"messages/await?to=*@run-77.test&since={Uri.EscapeDataString(since)}&timeout=20s");
        await StoreAsync(new TestMail { RcptTo = ["someone@run-76.test"] });
        await Task.Delay(300); // the other message is indexed by now: it must not have answered the wait
        Assert.False(waiting.IsCompleted);

        var mail = await StoreAsync(new TestMail { RcptTo = ["someone@run-77.test"] });
        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mail.Id, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Await_finds_a_message_already_stored_and_times_out_with_an_empty_408()
    {
        await StartApiAsync();
        var mail = await StoreAsync(new TestMail { RcptTo = ["early@run-5.test"] });
        await ListedAsync(Box, 1);
        using (var found = await Http.GetAsync("messages/await?to=early@run-5.test&timeout=5s"))
            Assert.Equal(mail.Id, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        // Stored before `since`: not an answer.
        var started = DateTime.UtcNow;
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"));
        using var timedOut = await Http.GetAsync($"messages/await?to=early@run-5.test&since={since}&timeout=300ms");
        Assert.Equal(HttpStatusCode.RequestTimeout, timedOut.StatusCode);
        Assert.Empty(await timedOut.Content.ReadAsByteArrayAsync());
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Events_stream_a_stored_and_a_deleted_message()
    {
        await StartApiAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "events");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var mail = await StoreAsync(new TestMail());
        var stored = await NextEventAsync(reader);
        Assert.Equal("stored", stored.Type);
        Assert.Equal(mail.Id, JsonDocument.Parse(stored.Data).RootElement.GetProperty("id").GetString());

        await Http.DeleteAsync($"messages/{mail.Id}");
        var deleted = await NextEventAsync(reader);
        Assert.Equal("deleted", deleted.Type);
        Assert.Equal(mail.Id, JsonDocument.Parse(deleted.Data).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_routes()
    {
        await StartApiAsync();
        var document = await Http.GetFromJsonAsync<JsonElement>("openapi.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/messages", "/api/v1/messages/await", "/api/v1/messages/{id}", "/api/v1/messages/{id}/raw",
                     "/api/v1/messages/{id}/attachments/{n}", "/api/v1/events" })
            Assert.True(paths.TryGetProperty(path, out _), $"no {path} in the OpenAPI document");
    }

    [Fact]
    public async Task A_failure_is_a_json_500_without_a_stack_trace()
    {
        await StartApiAsync();
        var mail = await StoreAsync(new TestMail());
        await ListedAsync(Box, 1);
        await File.WriteAllTextAsync(Path.Combine(MailDirectory, mail.Id + ".json"), "{ not json");
        using var response = await Http.GetAsync($"messages/{mail.Id}");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"error\"", body);
        Assert.DoesNotContain(" at ", body);
        Assert.Contains(Logged.Lines, line => line.Contains($"messages/{mail.Id} failed"));
    }

    private async Task<JsonElement> PageAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    private static string[] Ids(JsonElement page) =>
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string parameter)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(parameter, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
        }
    }

    private static async Task<(string Type, string Data)> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? type = null, data = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = line["data: ".Length..];
            else if (line.Length == 0 && data is not null)
                return (type ?? "message", data);
        }
        throw new EndOfStreamException("the event stream ended");
    }

    /// <summary>Text, HTML and one binary attachment.</summary>
    private static class AttachedMail
    {
        public static readonly byte[] Content = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();

        public static TestMail Mail() => new()
        {
            Subject = "Report attached",
            Text = "See the report.",
            Html = "<p>See the <b>report</b>.</p>",
            Attachments = [("report.bin", Content)],
        };
    }
}
