using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>The page in a real headless Chromium: it loads under its own CSP and its script runs.</summary>
public sealed class BrowserSmokeTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [BrowserFact]
    public async Task The_page_opens_and_its_script_runs_under_its_policy()
    {
        await using var server = await InboxServer.StartAsync();
        var driver = chromium.Driver;

        driver.Navigate().GoToUrl(server.Url);

        Assert.Equal("ActorSmtp mailbox", driver.Title);
        // The script ran (the CSP allowed 'self'): it tried the API, which this server does not serve.
        new WebDriverWait(driver, TimeSpan.FromSeconds(10)).Until(d =>
            d.FindElement(By.Id("count")).Text.StartsWith("Could not list messages", StringComparison.Ordinal));
        chromium.Screenshot("smoke");
    }
}
