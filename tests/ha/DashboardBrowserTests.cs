using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// The operator's dashboard in a real browser (Debian's chromium through Playwright) against the
/// whole stack, through HAProxy: login, the live cluster view, a job followed to completion
/// without a reload, the page riding out the kill -9 of the node it is connected to (and of the
/// leader), and an operator action that lands in the audit log. Screenshots of every step go to
/// TestResults/screenshots/.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class DashboardBrowserTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long after the kill of its node the page must show fresh data from another one.</summary>
    private static readonly TimeSpan ReconnectBudget = TimeSpan.FromSeconds(5);

    // What the test reads from the page in one go: connection, node cards, leader, freshness.
    private const string ViewScript = """
        () => JSON.stringify({
          state: document.querySelector('#connection-state')?.textContent ?? '',
          servedBy: document.querySelector('#served-by')?.textContent ?? '',
          servedByStale: document.querySelector('#served-by')?.classList.contains('stale') ?? true,
          generatedAt: document.body.dataset.generatedAt ?? '',
          leader: document.querySelector('#leader')?.dataset.leaderNode ?? '',
          operator: document.querySelector('#operator')?.textContent ?? '',
          nodes: [...document.querySelectorAll('#cluster .node[data-node]')].map(n => ({
            id: n.dataset.node, healthy: !n.classList.contains('unhealthy'), leader: n.classList.contains('leader') })),
        })
        """;

    private IPage? _page;

    // Notes the first moment #connection-state says "reconnecting", however briefly.
    private const string ReconnectingObserverScript = """
        () => {
          window.__reconnectingShownAt = null;
          const el = document.querySelector('#connection-state');
          new MutationObserver(() => {
            if (!window.__reconnectingShownAt && el.textContent.includes('reconnecting')) window.__reconnectingShownAt = new Date().toISOString();
          }).observe(el, { childList: true, characterData: true, subtree: true });
        }
        """;

    private Uri Simulator => new($"http://127.0.0.1:{9000 + stack.Stack.PortOffset}");

    [Fact]
    public async Task Dashboard_FollowsJobsFailoversAndOperatorActions_InABrowserThroughHaproxy()
    {
        await using var browser = await BrowserSession.StartAsync(stack.Api, "dashboard", output);
        var page = _page = browser.Page;

        await browser.StepAsync("login-required", async () =>
        {
            await page.GotoAsync("/");
            Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
            await page.Locator("#token").WaitForAsync();
        });

        await browser.StepAsync("logged-in", async () =>
        {
            var status = await stack.StatusAsync();
            var tokenFile = (string?)status["secrets"]?["operatorToken"] ?? throw new InvalidOperationException("status --json names no secrets.operatorToken");
            await page.Locator("#token").FillAsync((await File.ReadAllTextAsync(tokenFile)).Trim());
            await page.Locator("#login-submit").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { Timeout = 15_000 });
            await WaitForViewAsync("the page to connect and show its operator", v => v.Connected && v.Operator is not ("" or "—"), TimeSpan.FromSeconds(20));
            await page.EvaluateAsync("() => { window.__loadedOnce = true; }");
        });

        await browser.StepAsync("cluster", async () =>
        {
            var view = await WaitForViewAsync(
                "three healthy node cards and a leader among them",
                v => v.Nodes.Length == 3 && v.Nodes.All(n => n.Healthy) && v.Nodes.Any(n => n.Id == v.Leader && n.Leader),
                TimeSpan.FromSeconds(30));
            output.WriteLine($"  nodes {string.Join(", ", view.Nodes.Select(n => n.Id))}; leader {view.Leader}; served by {view.ServedBy}");
        }, "#cluster");

        await browser.StepAsync("job-completes-live", () => FollowJobAsync(browser), "#jobs", "#runners", "#queues");
        await browser.StepAsync("job-page-recheck", () => QueueAndJobPageAsync(browser), "#queues", "#job-detail", "#toasts");
        await browser.StepAsync("node-killed", () => KillServingNodeAsync(browser), "#cluster");
        await browser.StepAsync("drain-and-resume", () => DrainAndResumeAsync(browser), "#runners", "#audit");

        await browser.StepAsync("logout", async () =>
        {
            Assert.True(await page.EvaluateAsync<bool>("() => window.__loadedOnce === true"), "the page reloaded during the test");
            await page.Locator("#logout").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login", new() { Timeout = 15_000 });
            var cookies = await page.Context.CookiesAsync();
            Assert.DoesNotContain(cookies, c => c.Name == "runnerhub.session");

            // The browser may show its cached copy of the page (the server sends no Cache-Control
            // for it); the page then finds the session gone and goes to the login page itself.
            await page.GotoAsync("/");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login", new() { Timeout = 10_000 });
        });

        Assert.Empty(browser.PageErrors);
        Assert.Empty(browser.ForeignRequests);
    }

    /// <summary>A job sent through the GitHub simulator appears and reaches completed, with no reload.</summary>
    private async Task FollowJobAsync(BrowserSession browser)
    {
        var request = new
        {
            count = 1,
            rate = 1,
            durationMs = 1500,
            labelSets = new[] { new[] { "self-hosted", "linux", "x64" } },
            repositories = new[] { "octo-org/dashboard-browser" },
        };
        long jobId;
        using (var created = await stack.Http.PostAsJsonAsync(new Uri(Simulator, "/jobs"), request))
        {
            Assert.True(created.IsSuccessStatusCode, $"POST /jobs: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            jobId = (long)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["firstJobId"]!;
        }

        output.WriteLine($"  job {jobId} created by the GitHub simulator");
        var row = browser.Page.Locator($"#jobs tr[data-job=\"{jobId}\"]");
        var seen = new List<string>();
        await Eventually.HoldsAsync(
            $"job {jobId}'s row to reach completed",
            async () =>
            {
                var state = await row.CountAsync() == 0 ? "(no row)" : await row.GetAttributeAsync("data-state", new() { Timeout = 2_000 }) ?? "(no state)";
                if (seen.Count == 0 || seen[^1] != state)
                {
                    seen.Add(state);
                }

                return (state == "completed", $"states seen {string.Join(" → ", seen)}; jobs table: {Cut(await browser.TextAsync("#jobs tbody"), 600)}");
            },
            TimeSpan.FromSeconds(90),
            TimeSpan.FromMilliseconds(200));
        output.WriteLine($"  job {jobId} on the page: {string.Join(" → ", seen)}");
        Assert.True(await browser.Page.EvaluateAsync<bool>("() => window.__loadedOnce === true"), "the page reloaded");
    }

    /// <summary>
    /// A job for a label no runner has waits in its queue, which the page marks as such; the
    /// job's page shows it queued with its webhook, and Re-check asks GitHub (the simulator) and
    /// says what GitHub answered. The job stays queued (later tests ignore unservable jobs).
    /// </summary>
    private async Task QueueAndJobPageAsync(BrowserSession browser)
    {
        var label = $"nobody-{Guid.NewGuid():N}"[..14];
        var request = new
        {
            count = 1,
            rate = 1,
            durationMs = 1000,
            labelSets = new[] { new[] { "self-hosted", "linux", label } },
            repositories = new[] { "octo-org/dashboard-browser" },
        };
        long jobId;
        using (var created = await stack.Http.PostAsJsonAsync(new Uri(Simulator, "/jobs"), request))
        {
            Assert.True(created.IsSuccessStatusCode, $"POST /jobs: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            jobId = (long)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["firstJobId"]!;
        }

        var page = browser.Page;
        var queue = page.Locator($"#queues tr.unservable[data-labels*=\"{label}\"]");
        await queue.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("no runner has these labels", await queue.InnerTextAsync(), StringComparison.Ordinal);
        await browser.ScreenshotAsync("queue-unservable");

        await page.EvaluateAsync($"() => {{ location.hash = '#/jobs/{jobId}'; }}");
        var detail = page.Locator("#job-detail");
        await Eventually.HoldsAsync(
            $"job {jobId}'s page to show it queued",
            async () =>
            {
                var text = await browser.TextAsync("#job-detail");
                return (text.Contains(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) && text.Contains("queued", StringComparison.Ordinal), Cut(text, 600));
            },
            TimeSpan.FromSeconds(15));
        await detail.Locator("button.recheck").ClickAsync();
        var answer = page.Locator("#toasts .toast", new() { HasTextString = $"GitHub says job {jobId} is queued" });
        await answer.First.WaitForAsync(new() { Timeout = 15_000 });
        output.WriteLine($"  re-check of job {jobId}: {await answer.First.InnerTextAsync()}");
        await browser.ScreenshotAsync("job-page");
        await page.EvaluateAsync("() => { location.hash = '#/'; }");
        await page.Locator("#overview").WaitForAsync();
    }

    /// <summary>
    /// kill -9 of the node the page is connected to: the page says it is reconnecting, then shows
    /// fresh data from another node within <see cref="ReconnectBudget"/>. Then the leader (if it
    /// was another node) goes too and the page names a new one. The killed nodes are restarted.
    /// </summary>
    private async Task KillServingNodeAsync(BrowserSession browser)
    {
        var before = await ViewAsync();
        var served = before.ServedBy;
        var leader = before.Leader;
        Assert.StartsWith("orchestrator-", served, StringComparison.Ordinal);
        var killed = new List<string>();
        try
        {
            // Watch for "reconnecting" from before the kill: the page may show it for only a moment.
            // A MutationObserver in the page notes when it appears; the test's polling, for the
            // screenshot, may miss it.
            await browser.Page.EvaluateAsync(ReconnectingObserverScript);
            var reconnecting = WatchForReconnectingAsync(browser);
            var (killedAt, clock) = await KillNowAsync(served);
            killed.Add(served);
            output.WriteLine($"  kill -9 {served} (the page's node; leader was {leader}) at {killedAt:HH:mm:ss.fff}, gone after {clock.Elapsed.TotalSeconds:0.00} s");

            var reconnected = await WaitForViewAsync(
                $"fresh data from a node other than {served}",
                v => v.Connected && !v.ServedByStale && v.ServedBy != served && v.GeneratedAtTime > killedAt,
                TimeSpan.FromSeconds(20));
            var observed = clock.Elapsed;
            var onScreen = await reconnecting;
            var shownReconnecting = await browser.Page.EvaluateAsync<string?>("() => window.__reconnectingShownAt");

            // The page's own log says when it showed what (the browser shares this machine's
            // clock); the test's polling only adds its own delay.
            var log = JsonSerializer.Deserialize<ConnectionLogEntry[]>(
                await browser.Page.EvaluateAsync<string>("() => JSON.stringify(window.runnerhubDashboard.connectionLog)"), Json) ?? [];
            var afterKill = log.Where(e => e.At >= killedAt.AddMilliseconds(-50)).ToList();
            var noticed = afterKill.FirstOrDefault(e => e.State == "reconnecting");
            var shown = afterKill.FirstOrDefault(e => e.State == "connected" && e.ServedBy is { } by && by != served);
            output.WriteLine($"  connection log after the kill: {string.Join(", ", afterKill.Select(e => $"{e.State}{(e.ServedBy is null ? "" : $" ({e.ServedBy})")} at +{(e.At - killedAt).TotalSeconds:0.00} s"))}");
            Assert.True(shownReconnecting is not null, "#connection-state never said 'reconnecting' after the kill");
            Assert.True(noticed is not null, "the page's log has no 'reconnecting' after the kill");
            Assert.True(shown is not null, $"the page's log has no 'connected' to another node than {served}");
            var elapsed = shown.At - killedAt;
            output.WriteLine($"  RECONNECT: {elapsed.TotalSeconds:0.00} s from kill -9 of {served} to fresh data from {reconnected.ServedBy} on the page " +
                $"(#connection-state said reconnecting after {(DateTimeOffset.Parse(shownReconnecting, System.Globalization.CultureInfo.InvariantCulture) - killedAt).TotalSeconds:0.00} s, screenshot of it: {(onScreen ? "yes" : "no, too brief")}; the test saw fresh data after {observed.TotalSeconds:0.00} s)");
            Assert.True(elapsed <= ReconnectBudget, $"fresh data came {elapsed.TotalSeconds:0.00} s after the kill; the budget is {ReconnectBudget.TotalSeconds} s");

            if (leader != served)
            {
                await KillNowAsync(leader);
                killed.Add(leader);
                output.WriteLine($"  killed the leader {leader} too");
            }

            var moved = await WaitForViewAsync(
                $"a leader other than {string.Join(" and ", killed)}",
                v => v.Connected && v.Leader.Length > 0 && !killed.Contains(v.Leader) && !killed.Contains(v.ServedBy),
                TimeSpan.FromSeconds(30));
            output.WriteLine($"  leader now {moved.Leader}, page served by {moved.ServedBy}");
            await browser.ScreenshotAsync("leader-moved");
        }
        finally
        {
            if (killed.Count > 0)
            {
                // Later tests need all three nodes, whatever happened above.
                await stack.Stack.UpAsync(TimeSpan.FromSeconds(180));
                output.WriteLine($"  restarted {string.Join(", ", killed)}");
            }
        }

        await WaitForViewAsync(
            "all three nodes healthy again",
            v => v.Connected && v.Nodes.Length == 3 && v.Nodes.All(n => n.Healthy),
            TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// kill -9 of a piece's process group, timed from the signal itself (<c>status --json</c>,
    /// which finds the pid, takes seconds on a loaded machine and must not count).
    /// </summary>
    private async Task<(DateTimeOffset At, Stopwatch Clock)> KillNowAsync(string piece)
    {
        var pid = await stack.Stack.PidOfAsync(piece) ?? throw new InvalidOperationException($"{piece} is not running");
        var at = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-KILL", "--", $"-{pid}"]))
        {
            await kill.WaitForExitAsync();
        }

        // Gone once it is a zombie: its parent may take its time to reap it.
        await Eventually.HoldsAsync(
            $"{piece} (pid {pid}) to exit",
            () => Task.FromResult((!IsRunning(pid), $"/proc/{pid} still running")),
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(20));
        return (at, clock);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits (up to 20 s) until the page says it is reconnecting; false when it never did on screen.</summary>
    private static async Task<bool> WatchForReconnectingAsync(BrowserSession browser)
    {
        try
        {
            await browser.Page.WaitForFunctionAsync(
                "() => document.querySelector('#connection-state').textContent.includes('reconnecting')",
                null,
                new() { Timeout = 20_000, PollingInterval = 20 });
            await browser.TryScreenshotAsync("reconnecting");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Drain a runner with its button: status draining, audited with the operator's name; then resume it.</summary>
    private async Task DrainAndResumeAsync(BrowserSession browser)
    {
        var page = browser.Page;
        var online = page.Locator("#runners tr[data-runner][data-status=\"online\"]");
        await Eventually.HoldsAsync(
            "an online runner",
            async () => (await online.CountAsync() > 0, await browser.TextAsync("#runners tbody")),
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(250));
        var name = await online.First.GetAttributeAsync("data-runner") ?? throw new InvalidOperationException("runner row without a name");
        var operatorName = (await ViewAsync()).Operator;
        var row = page.Locator($"#runners tr[data-runner=\"{name}\"]");
        try
        {
            await row.Locator("button.drain").ClickAsync();
            await WaitForRunnerAsync(browser, row, name, "draining");
            await WaitForAuditAsync(browser, name, operatorName, "drain");
            await browser.ScreenshotAsync("runner-draining");

            await row.Locator("button.resume").ClickAsync();
            await WaitForRunnerAsync(browser, row, name, "online");
            await WaitForAuditAsync(browser, name, operatorName, "resume");
        }
        finally
        {
            if (await row.GetAttributeAsync("data-status", new() { Timeout = 2_000 }) == "draining")
            {
                await ResumeThroughApiAsync(name);
            }
        }
    }

    private static async Task WaitForRunnerAsync(BrowserSession browser, ILocator row, string name, string status) =>
        await Eventually.HoldsAsync(
            $"runner {name} to show {status}",
            async () =>
            {
                var shown = await row.GetAttributeAsync("data-status", new() { Timeout = 2_000 });
                return (shown == status, $"status {shown}; row: {await row.InnerTextAsync(new() { Timeout = 2_000 })}");
            },
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));

    private static async Task WaitForAuditAsync(BrowserSession browser, string runner, string operatorName, string action)
    {
        var rows = browser.Page.Locator("#audit tbody tr");
        await Eventually.HoldsAsync(
            $"the audit list to show {operatorName}'s {action} of {runner}",
            async () =>
            {
                var texts = await rows.AllInnerTextsAsync();
                var hit = texts.Any(t => t.Contains(runner, StringComparison.Ordinal)
                    && t.Contains(operatorName, StringComparison.Ordinal)
                    && t.Contains(action, StringComparison.OrdinalIgnoreCase));
                return (hit, $"audit rows: {Cut(string.Join(" | ", texts.Take(5)), 800)}");
            },
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Leaves the stack as it was found even when the page failed to resume the runner.</summary>
    private async Task ResumeThroughApiAsync(string runner)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stack.Api, $"/api/runners/{Uri.EscapeDataString(runner)}/resume"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Stack.Secret("operator-token"));
        using var response = await stack.Http.SendAsync(request);
        output.WriteLine($"  resumed {runner} through the API: {(int)response.StatusCode}");
    }

    private async Task<PageView> ViewAsync()
    {
        var page = _page ?? throw new InvalidOperationException("no browser yet");
        return JsonSerializer.Deserialize<PageView>(await page.EvaluateAsync<string>(ViewScript), Json)
            ?? throw new InvalidOperationException("the page returned no view");
    }

    private async Task<PageView> WaitForViewAsync(string what, Func<PageView, bool> condition, TimeSpan timeout)
    {
        PageView? last = null;
        await Eventually.HoldsAsync(
            what,
            async () =>
            {
                last = await ViewAsync();
                return (condition(last), last.ToString());
            },
            timeout,
            TimeSpan.FromMilliseconds(100));
        return last!;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private sealed record PageView(string State, string ServedBy, bool ServedByStale, string GeneratedAt, string Leader, string Operator, NodeCard[] Nodes)
    {
        public bool Connected => State == "connected";

        public DateTimeOffset? GeneratedAtTime => DateTimeOffset.TryParse(GeneratedAt, System.Globalization.CultureInfo.InvariantCulture, out var at) ? at : null;

        public override string ToString() =>
            $"state '{State}', served by '{ServedBy}'{(ServedByStale ? " (stale)" : "")}, generated {GeneratedAt}, leader '{Leader}', nodes [{string.Join(", ", Nodes.Select(n => $"{n.Id}{(n.Healthy ? "" : " unhealthy")}{(n.Leader ? " leader" : "")}"))}]";
    }

    private sealed record NodeCard(string Id, bool Healthy, bool Leader);

    private sealed record ConnectionLogEntry(DateTimeOffset At, string State, string? ServedBy);
}
