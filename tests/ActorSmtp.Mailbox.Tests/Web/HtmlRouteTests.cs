using System.Net;
using ActorSmtp.Mailbox.Tests.Api;
using ActorSmtp.Mailbox.Tests.Index;
using ActorSmtp.Mailbox.Web;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>GET /api/v1/messages/{id}/html over real HTTP, on a mailbox over a real file sink.</summary>
public sealed class HtmlRouteTests(ITestOutputHelper output) : ApiSpecBase(output)
{
    [Fact]
    public async Task The_html_part_comes_with_a_policy_that_runs_nothing_and_loads_nothing_remote()
    {
        var mail = new TestMail { Html = "<p>Hi</p>" };
        await ServeAsync(mail);

        using var response = await Http.GetAsync($"messages/{mail.Id}/html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<p>Hi</p>", await response.Content.ReadAsStringAsync());
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(PageHeaders.HtmlPolicy(remoteImages: false), policy);
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("img-src data:;", policy);
        Assert.EndsWith("; sandbox", policy);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Remote_images_are_allowed_only_when_asked_for()
    {
        var mail = new TestMail { Html = "<img src=\"https://remote.test/a.png\">" };
        await ServeAsync(mail);

        using var response = await Http.GetAsync($"messages/{mail.Id}/html?remote-images=1");

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("img-src data: http: https:;", policy);
        Assert.Contains("default-src 'none'", policy);
    }

    [Fact]
    public async Task A_bad_remote_images_flag_is_a_400_naming_it()
    {
        var mail = new TestMail { Html = "<p>Hi</p>" };
        await ServeAsync(mail);

        using var response = await Http.GetAsync($"messages/{mail.Id}/html?remote-images=yes-please");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"parameter\":\"remote-images\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_id_or_a_message_without_html_is_a_404_with_a_json_error()
    {
        var mail = new TestMail { Html = null };
        await ServeAsync(mail);

        foreach (var id in new[] { mail.Id, "NOSUCHMESSAGE", "..%2F..%2Fetc%2Fpasswd" })
        {
            using var response = await Http.GetAsync($"messages/{id}/html");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"error\":", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The API (and so the web routes) over a mailbox that has indexed <paramref name="mail"/>.</summary>
    private async Task ServeAsync(TestMail mail)
    {
        await StartApiAsync();
        await StoreAsync(mail);
        await ListedAsync(Box, 1);
    }
}
