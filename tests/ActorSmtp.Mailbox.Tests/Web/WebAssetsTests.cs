using System.Text;
using ActorSmtp.Mailbox.Web;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>The page's files as embedded: all routed, and none that puts message content into the page as markup.</summary>
public sealed class WebAssetsTests
{
    [Fact]
    public void Every_embedded_file_has_a_route_and_every_route_a_file()
    {
        Assert.Equal(WebAssets.Table.Select(r => r.File).Order(), WebAssets.EmbeddedFiles.Order());
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
        // sandbox="" with no token: no scripts, no same-origin, no forms, no popups, no top navigation.
        Assert.Contains("<iframe id=\"v-html\" sandbox=\"\"", Text("index.html"));
        Assert.DoesNotContain("allow-", Text("index.html"));
    }

    private static string Text(string file) => Encoding.UTF8.GetString(WebAssets.Read(file));
}
