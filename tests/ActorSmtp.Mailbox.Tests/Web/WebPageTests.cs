using System.Net;
using ActorSmtp.Mailbox.Web;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>The page's files as served: every embedded file routed, with the page's CSP, revalidated by ETag.</summary>
public sealed class WebPageTests
{
    [Fact]
    public void Every_embedded_file_has_a_route_and_every_route_a_file()
    {
        Assert.Equal(WebAssets.Table.Select(r => r.File).Order(), WebAssets.EmbeddedFiles.Order());
    }

    [Theory]
    [InlineData("/", "text/html", "<title>ActorSmtp mailbox</title>")]
    [InlineData("/mailbox.js", "text/javascript", "new EventSource(")]
    [InlineData("/mailbox.css", "text/css", "@media (max-width:")]
    public async Task A_file_is_served_with_its_type_and_the_page_policy(string path, string type, string content)
    {
        await using var server = await InboxServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Url };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync());
        Assert.Equal(PageHeaders.PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task A_browser_that_has_the_file_gets_a_304()
    {
        await using var server = await InboxServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Url };
        using var first = await http.GetAsync("/mailbox.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/mailbox.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public void The_page_never_writes_markup_from_data()
    {
        // Message content reaches the page's DOM only as text: no innerHTML, outerHTML, insertAdjacentHTML,
        // document.write or eval anywhere in the page's script.
        var script = Text("mailbox.js");
        foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function" })
            Assert.DoesNotContain(sink, script);
    }

    [Fact]
    public void The_message_frame_is_fully_sandboxed()
    {
        var page = Text("index.html");
        Assert.Contains("<iframe id=\"v-html\" sandbox=\"\"", page);
    }

    private static string Text(string file) => System.Text.Encoding.UTF8.GetString(WebAssets.Read(file));
}
