using System.Diagnostics;
using Microsoft.Playwright;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>, which scripts/test installs) driven by Playwright's
/// Node driver from the NuGet package (bin/.playwright): no browser download, no internet. Each
/// step saves a full-page screenshot under TestResults/screenshots/ (the CI artifacts); a failed
/// step also prints what the page showed.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    // No QUIC, sync, component updates or background networking: the browser talks to the stack
    // under test and nothing else.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly string[] HeaderSelectors = ["header", "#banner", "#errors"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ITestOutputHelper _output;
    private readonly string _name;
    private readonly List<string> _pageErrors = [];
    private readonly List<string> _foreignRequests = [];
    private int _shots;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page, Uri baseUrl, string name, ITestOutputHelper output)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        _name = name;
        _output = output;
        page.PageError += (_, error) => { lock (_pageErrors) { _pageErrors.Add(error); } };
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Say($"  [browser {message.Type}] {message.Text}");
            }
        };
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" or "ws" or "wss" && url.Authority != baseUrl.Authority)
            {
                lock (_foreignRequests) { _foreignRequests.Add(request.Url); }
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Uncaught exceptions in the page's scripts so far.</summary>
    public IReadOnlyList<string> PageErrors { get { lock (_pageErrors) { return [.. _pageErrors]; } } }

    /// <summary>Requests the page made to any other host than the one under test.</summary>
    public IReadOnlyList<string> ForeignRequests { get { lock (_foreignRequests) { return [.. _foreignRequests]; } } }

    public static string ScreenshotDirectory => Path.Combine(Repository.Root, "TestResults", "screenshots");

    public static async Task<BrowserSession> StartAsync(Uri baseUrl, string name, ITestOutputHelper output)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: apt-get install -y --no-install-recommends chromium (scripts/test installs it as root)");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
            var context = await browser.NewContextAsync(new()
            {
                BaseURL = baseUrl.ToString(),
                ViewportSize = new() { Width = 1400, Height = 1000 },
            });
            context.SetDefaultTimeout(15_000);
            var page = await context.NewPageAsync();
            output.WriteLine($"chromium {browser.Version} via Playwright, base URL {baseUrl}");
            return new BrowserSession(playwright, browser, page, baseUrl, name, output);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one step of a test; on success saves a screenshot, on failure prints the text of
    /// <paramref name="sections"/> (and the header) and saves a screenshot before rethrowing.
    /// </summary>
    public async Task StepAsync(string step, Func<Task> body, params string[] sections)
    {
        var clock = Stopwatch.StartNew();
        Say($"step {step}");
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            Say($"step {step} FAILED after {clock.Elapsed.TotalSeconds:0.0} s: {ex.GetType().Name}: {ex.Message}");
            Say(await DescribeAsync(sections));
            await TryScreenshotAsync($"{step}-failed");
            throw;
        }

        Say($"step {step} passed in {clock.Elapsed.TotalSeconds:0.0} s");
        await TryScreenshotAsync(step);
    }

    /// <summary>A full-page screenshot in TestResults/screenshots/; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string step)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, $"{_name}-{Interlocked.Increment(ref _shots):00}-{step}.png");

        // From the top: a full-page shot of a scrolled page draws the sticky header mid-page.
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true, Timeout = 10_000 });
        Say($"  screenshot {path}");
        return path;
    }

    /// <summary>The page's URL, header, and the text of each selector (cut to 1500 characters).</summary>
    public async Task<string> DescribeAsync(params string[] selectors)
    {
        var lines = new List<string> { $"page {Page.Url}" };
        foreach (var selector in HeaderSelectors.Concat(selectors))
        {
            lines.Add($"--- {selector}:\n{Cut(await TextAsync(selector), 1500)}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>The visible text of the first element matching <paramref name="selector"/>, or why there is none.</summary>
    public async Task<string> TextAsync(string selector)
    {
        try
        {
            var locator = Page.Locator(selector).First;
            if (await locator.CountAsync() == 0)
            {
                return $"(no {selector})";
            }

            // innerText of a hidden element is its whole text: say it is hidden instead.
            return await locator.IsVisibleAsync() ? (await locator.InnerTextAsync(new() { Timeout = 2_000 })).Trim() : "(hidden)";
        }
        catch (PlaywrightException ex)
        {
            return $"({selector}: {ex.Message.Split('\n')[0]})";
        }
    }

    /// <summary>A screenshot, or a line saying why there is none: never fails the step.</summary>
    public async Task TryScreenshotAsync(string step)
    {
        try
        {
            await ScreenshotAsync(step);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or IOException)
        {
            Say($"  no screenshot for {step}: {ex.Message.Split('\n')[0]}");
        }
    }

    private void Say(string line)
    {
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // A browser event after the test ended: there is no test output to write to any more.
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length - max} more characters)";

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
