using ActorSmtp.Mailbox.Web;
using MimeKit;
using MimeKit.Utils;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>What the sandboxed iframe gets: the message's HTML as sent, its cid: images inlined as data: URIs.</summary>
public sealed class HtmlPartTests : IDisposable
{
    private static readonly byte[] Png = Beacon.OnePixelPng;

    private readonly string _eml = Path.GetTempFileName();

    [Fact]
    public async Task A_cid_image_becomes_a_data_uri_and_the_rest_stays_as_sent()
    {
        var builder = new BodyBuilder();
        var logo = builder.LinkedResources.Add("logo.png", Png, new ContentType("image", "png"));
        logo.ContentId = MimeUtils.GenerateMessageId();
        builder.HtmlBody = $"<p class=\"x\">Hi <b>there</b></p><img alt=\"logo\" src=\"cid:{logo.ContentId}\"><img src=\"https://remote.test/a.png\">";
        await WriteAsync(builder);

        var html = await HtmlPart.RenderAsync(_eml, CancellationToken.None);

        Assert.NotNull(html);
        Assert.Contains($"src=\"data:image/png;base64,{Convert.ToBase64String(Png)}\"", html);
        Assert.DoesNotContain("cid:", html);
        Assert.Contains("<p class=\"x\">Hi <b>there</b></p>", html);
        Assert.Contains("alt=\"logo\"", html);
        Assert.Contains("src=\"https://remote.test/a.png\"", html); // left to the CSP, which blocks it by default
    }

    [Fact]
    public async Task Html_without_cid_references_is_returned_exactly()
    {
        const string sent = "<html><body><script>window.ran = 1</script><img src=x onerror=\"window.ran = 2\"></body></html>";
        await WriteAsync(new BodyBuilder { HtmlBody = sent, TextBody = "text" });

        Assert.Equal(sent, await HtmlPart.RenderAsync(_eml, CancellationToken.None));
    }

    [Fact]
    public async Task A_message_without_an_html_part_has_none()
    {
        await WriteAsync(new BodyBuilder { TextBody = "only text" });

        Assert.Null(await HtmlPart.RenderAsync(_eml, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_cid_is_left_alone()
    {
        var builder = new BodyBuilder { HtmlBody = "<img src=\"cid:missing@x\">" };
        builder.LinkedResources.Add("a.png", Png).ContentId = "present@x";
        await WriteAsync(builder);

        Assert.Contains("src=\"cid:missing@x\"", await HtmlPart.RenderAsync(_eml, CancellationToken.None));
    }

    public void Dispose() => File.Delete(_eml);

    private async Task WriteAsync(BodyBuilder builder)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@sender.test"));
        message.To.Add(MailboxAddress.Parse("user@rcpt.test"));
        message.Subject = "html";
        message.Body = builder.ToMessageBody();
        await message.WriteToAsync(_eml);
    }
}
