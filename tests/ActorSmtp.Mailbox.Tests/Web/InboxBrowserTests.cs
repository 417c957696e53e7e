using ActorSmtp.TestSupport;
using System.Net;
using ActorSmtp.Mailbox.Tests.Api;
using ActorSmtp.Mailbox.Tests.Index;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>
/// The web inbox in a real headless Chromium, over the real API on a mailbox on a real file sink: live list,
/// message view, search, delete, and hostile HTML that must run nothing. Screenshots go to artifacts/.
/// </summary>
public sealed class InboxBrowserTests(ITestOutputHelper output, HeadlessChromium chromium) : ApiSpecBase(output), IClassFixture<HeadlessChromium>
{
    private IWebDriver Driver => chromium.Driver;

    private Uri Root => new(Http.BaseAddress!, "/");

    [BrowserFact]
    public async Task A_message_sent_with_MailKit_through_the_server_appears_without_a_reload_and_opens()
    {
        var smtp = await TestServer.StartAsync($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, tls = none } ]
            actorsmtp.sinks.file.directory = {{System.Text.Json.JsonSerializer.Serialize(MailDirectory)}}
            """);
        try
        {
            await StartApiAsync(system: smtp.System);
            OpenPage();
            ((IJavaScriptExecutor)Driver).ExecuteScript("window.sameDocument = true;");

            var message = MimeMessages.Create("Sent with MailKit", "Hello from the application under test.", to: "new-user@run-42.test");
            var body = new MimeKit.BodyBuilder { TextBody = "Hello from the application under test." };
            body.Attachments.Add("notes.txt", "the attached notes"u8.ToArray());
            message.Body = body.ToMessageBody();
            using var client = await smtp.ConnectAsync();
            var id = MimeMessages.QueuedId(await client.SendAsync(message));

            var row = Until(d => d.FindElements(By.CssSelector($"#list li[data-id='{id}']")).FirstOrDefault())!;
            Assert.True((bool)((IJavaScriptExecutor)Driver).ExecuteScript("return window.sameDocument === true;")!, "the page reloaded");
            row.Click();
            Until(d => d.FindElement(By.Id("v-text")).Text.Contains("Hello from the application under test.", StringComparison.Ordinal));
            Driver.FindElement(By.CssSelector("[data-tab='attachments']")).Click();
            Assert.Equal("notes.txt", Until(d => d.FindElements(By.CssSelector("#v-attachments a")).FirstOrDefault(a => a.Displayed))!.Text);
        }
        finally
        {
            await CloseAsync(Box); // before the server's actor system, where its indexer runs, stops
            await smtp.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task A_stored_message_appears_without_a_reload_and_opens_with_its_text_and_attachments()
    {
        await StartApiAsync();
        await StoreAsync(new TestMail { Subject = "Welcome aboard", RcptTo = ["new-user@run-42.test"], Text = "Glad to have you." });
        OpenPage();
        ((IJavaScriptExecutor)Driver).ExecuteScript("window.sameDocument = true;");

        var pdf = "%PDF-1.4 invoice 42"u8.ToArray();
        var mail = await StoreAsync(new TestMail
        {
            Subject = "Your invoice 42", RcptTo = ["billing@run-42.test"], Text = "Total: 42.00 EUR\nThank you.",
            Attachments = [("invoice-42.pdf", pdf)],
        });

        var row = Until(d => d.FindElements(By.CssSelector($"#list li[data-id='{mail.Id}']")).FirstOrDefault())!;
        Assert.True((bool)((IJavaScriptExecutor)Driver).ExecuteScript("return window.sameDocument === true;")!, "the page reloaded");
        Assert.Contains("Your invoice 42", row.Text);
        chromium.Screenshot("mailbox-list");

        row.Click();
        Until(d => d.FindElement(By.Id("v-text")).Text.Contains("Total: 42.00 EUR", StringComparison.Ordinal));
        Assert.Equal("Your invoice 42", Driver.FindElement(By.Id("v-subject")).Text);
        Driver.FindElement(By.CssSelector("[data-tab='attachments']")).Click();
        var link = Until(d => d.FindElements(By.CssSelector("#v-attachments a")).FirstOrDefault(a => a.Displayed))!;
        Assert.Equal("invoice-42.pdf", link.Text);
        Assert.Equal(pdf, await Http.GetByteArrayAsync(link.GetAttribute("href")));
        Driver.FindElement(By.CssSelector("[data-tab='text']")).Click();
        chromium.Screenshot("mailbox-message");
    }

    [BrowserFact]
    public async Task On_a_phone_the_list_and_the_message_take_turns()
    {
        await StartApiAsync();
        var mail = await StoreAsync(new TestMail { Subject = "Small screen", Text = "Readable on a phone." });
        await ListedAsync(Box, 1);
        var laptop = Driver.Manage().Window.Size;
        Driver.Manage().Window.Size = new System.Drawing.Size(390, 844);
        try
        {
            OpenPage();
            Until(d => d.FindElements(By.CssSelector($"#list li[data-id='{mail.Id}']")).FirstOrDefault())!.Click();
            Until(d => d.FindElement(By.Id("v-text")).Displayed);
            Assert.False(Driver.FindElement(By.Id("list-pane")).Displayed);
            chromium.Screenshot("mailbox-phone");

            Driver.FindElement(By.Id("back")).Click();
            Until(d => d.FindElement(By.Id("list-pane")).Displayed && !d.FindElement(By.Id("view-pane")).Displayed);
        }
        finally
        {
            Driver.Manage().Window.Size = laptop;
        }
    }

    [BrowserFact]
    public async Task The_search_box_narrows_the_list_by_words_and_by_recipient()
    {
        await StartApiAsync();
        await StoreAsync(new TestMail { Subject = "Welcome aboard", RcptTo = ["a@run-41.test"] });
        var invoice = await StoreAsync(new TestMail { Subject = "Your invoice", RcptTo = ["b@run-42.test"] });
        var reset = await StoreAsync(new TestMail { Subject = "Password reset", RcptTo = ["c@run-42.test"] });
        await ListedAsync(Box, 3);
        OpenPage();
        Until(d => ListedIds().Length == 3);

        Search("invoice");
        Until(d => ListedIds().SequenceEqual([invoice.Id]));

        Search("to:*@run-42.test");
        Until(d => ListedIds().SequenceEqual([reset.Id, invoice.Id]));

        Search("");
        Until(d => ListedIds().Length == 3);
    }

    [BrowserFact]
    public async Task Delete_removes_one_message_and_delete_all_removes_the_rest()
    {
        await StartApiAsync();
        var mails = await StoreManyAsync(3);
        await ListedAsync(Box, 3);
        OpenPage();
        Until(d => ListedIds().Length == 3);

        Driver.FindElement(By.CssSelector($"#list li[data-id='{mails[1].Id}']")).Click();
        Until(d => d.FindElement(By.Id("v-subject")).Text == mails[1].Subject);
        Driver.FindElement(By.Id("delete-one")).Click();

        Until(d => !ListedIds().Contains(mails[1].Id));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"messages/{mails[1].Id}")).StatusCode);
        Assert.DoesNotContain(mails[1].Id, StoredIds());

        var deleteAll = Driver.FindElement(By.Id("delete-all"));
        deleteAll.Click(); // arms it
        Assert.Equal(2, StoredIds().Length);
        deleteAll.Click();
        Until(d => ListedIds().Length == 0 && d.FindElement(By.Id("empty")).Displayed);
        Assert.Empty(StoredIds());
    }

    [BrowserFact]
    public async Task Hostile_html_runs_nothing_and_loads_remote_images_only_when_asked()
    {
        await using var beacon = await Beacon.StartAsync();
        // The control: the same HTML opened with no CSP and no sandbox runs, and the beacon sees it.
        Driver.Navigate().GoToUrl(new Uri(beacon.Url, "control"));
        Until(_ => beacon.HitsOf("control").Length == 3);

        await StartApiAsync();
        var mail = await StoreAsync(new TestMail { Subject = "Hostile", Text = null, Html = beacon.HostileHtml("mail") });
        await ListedAsync(Box, 1);
        OpenPage();
        Until(d => d.FindElements(By.CssSelector($"#list li[data-id='{mail.Id}']")).FirstOrDefault())!.Click();
        ShowsHostileHeading(inFrame: true);
        await Task.Delay(500); // what the control did at once, given time
        Assert.Empty(beacon.HitsOf("mail"));
        Assert.Equal("ActorSmtp mailbox", Driver.Title);
        chromium.Screenshot("mailbox-hostile-html");

        Driver.FindElement(By.Id("remote-images")).Click();
        Until(_ => beacon.HitsOf("mail").Contains("/mail/remote.png"));
        ShowsHostileHeading(inFrame: true);
        await Task.Delay(500);
        Assert.Equal(["/mail/remote.png"], beacon.HitsOf("mail"));

        // Opened on its own, outside the page's sandboxed iframe, the CSP alone still runs nothing.
        Driver.Navigate().GoToUrl(new Uri(Root, $"api/v1/messages/{mail.Id}/html"));
        ShowsHostileHeading(inFrame: false);
        await Task.Delay(500);
        Assert.Equal(["/mail/remote.png"], beacon.HitsOf("mail"));
    }

    private void OpenPage()
    {
        Driver.Navigate().GoToUrl(Root);
        Until(d => d.FindElement(By.Id("live")).GetAttribute("data-state") == "open"); // subscribed to /events
    }

    private void Search(string text)
    {
        var box = Driver.FindElement(By.Id("q"));
        box.Clear();
        box.SendKeys(text + Keys.Enter); // the form's submit searches at once
    }

    // Read in one script: the list is re-rendered under us, so element handles would go stale.
    private string[] ListedIds() =>
        ((IReadOnlyCollection<object>)((IJavaScriptExecutor)Driver).ExecuteScript(
            "return [...document.querySelectorAll('#list li')].map(li => li.dataset.id);")!).Cast<string>().ToArray();

    private void ShowsHostileHeading(bool inFrame)
    {
        if (inFrame)
            Until(d => d.FindElement(By.Id("v-html")).GetAttribute("src") is { Length: > 0 });
        if (inFrame)
            Driver.SwitchTo().Frame(Driver.FindElement(By.Id("v-html")));
        try
        {
            Until(d => d.FindElements(By.TagName("h1")).FirstOrDefault()?.Text == "Hostile");
        }
        finally
        {
            if (inFrame)
                Driver.SwitchTo().DefaultContent();
        }
    }

    private T Until<T>(Func<IWebDriver, T> condition)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(10)) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        return wait.Until(condition);
    }
}
