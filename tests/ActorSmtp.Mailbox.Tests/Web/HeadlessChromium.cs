using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Web;

/// <summary>
/// Debian's chromium, headless, driven through Debian's chromium-driver (the versions match: one package
/// source). Never Selenium Manager: nothing is downloaded. One browser per test class; quitting it ends its
/// processes.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly Lazy<ChromeDriver> _driver = new(Start);

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public static string? Missing =>
        File.Exists(BrowserPath) && File.Exists(DriverPath)
            ? null
            : $"{BrowserPath} or {DriverPath} is missing (apt-get install chromium chromium-driver; .ci/run does)";

    public ChromeDriver Driver => _driver.Value;

    /// <summary>Where screenshots go: artifacts/ under the test output.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public void Screenshot(string name) => Driver.GetScreenshot().SaveAsFile(Path.Combine(Artifacts, name + ".png"));

    public void Dispose()
    {
        if (_driver.IsValueCreated)
            _driver.Value.Quit();
    }

    private static ChromeDriver Start()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox", // Chromium's process sandbox needs a non-root user; CI runs as root. Pages' iframe sandboxes are unaffected.
            "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--window-size=1280,860");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(30));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(15);
        return driver;
    }
}

/// <summary>
/// A browser test: skipped where chromium is missing, unless in CI (<c>CI</c> set, as .ci/run runs), where
/// .ci/run installs it and a missing browser must fail rather than hide the tests.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessChromium.Missing is { } reason && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            Skip = reason;
    }
}
