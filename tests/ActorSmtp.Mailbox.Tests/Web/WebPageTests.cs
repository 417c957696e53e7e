using System.Net;
using ActorSmtp.Mailbox.Tests.Api;
using ActorSmtp.Mailbox.Web;
using ActorSmtp.Server.Auth;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>The page's files over real HTTP, as the mailbox API serves them: their types, the page's CSP, ETags, auth.</summary>
public sealed class WebPageTests(ITestOutputHelper output) : ApiSpecBase(output)
{
    [Theory]
    [InlineData("/", "text/html", "<title>ActorSmtp mailbox</title>")]
    [InlineData("/mailbox.js", "text/javascript", "new EventSource(")]
    [InlineData("/mailbox.css", "text/css", "@media (max-width:")]
    public async Task A_file_is_served_with_its_type_and_the_page_policy(string path, string type, string content)
    {
        await StartApiAsync();

        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync());
        Assert.Equal(PageHeaders.PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task A_browser_that_has_the_file_gets_a_304()
    {
        await StartApiAsync();
        using var first = await Http.GetAsync("/mailbox.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/mailbox.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await Http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/mailbox.js")]
    [InlineData("/api/v1/messages/X/html")]
    public async Task With_users_set_the_page_needs_credentials_too(string path)
    {
        await StartApiAsync(new Dictionary<string, string> { ["alice"] = PasswordHash.Create("pw") });

        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }
}
