using System.Net;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

[Collection(StackGroup.Name)]
public sealed class TopologyTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Orchestrators = ["orchestrator-1", "orchestrator-2", "orchestrator-3"];

    [Fact]
    public async Task Up_BringsEveryPieceUpHealthy()
    {
        output.WriteLine($"scripts/runnerhub up took {stack.StartupTime.TotalSeconds:0.0} s (build included)");
        Assert.True(stack.StartupTime < TimeSpan.FromMinutes(4), $"up took {stack.StartupTime}");

        var status = await stack.StatusAsync();
        var unhealthy = status["processes"]!.AsArray()
            .Where(p => (bool?)p!["alive"] != true || (bool?)p["healthy"] != true)
            .Select(p => $"{p!["name"]}: {p["detail"]}")
            .ToList();
        Assert.True(unhealthy.Count == 0, $"not healthy: {string.Join("; ", unhealthy)}");

        var ready = await stack.Http.GetAsync(new Uri(stack.Api, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var backends = await stack.BackendServersAsync();
        foreach (var backend in new[] { "orchestrators", "orchestrators_ws" })
        {
            Assert.Equal(Orchestrators, backends[backend].Where(s => s.Value == "UP").Select(s => s.Key).Order());
        }

        var masters = status["redis"]!["masterBySentinel"]!.AsObject().Select(kv => (string?)kv.Value).Distinct().ToList();
        Assert.Single(masters);
        Assert.NotNull(masters[0]);

        var replication = status["postgres"]!["replication"]!.AsArray();
        Assert.Contains(replication, r => (string?)r!["state"] == "streaming");
    }

    [Fact]
    public async Task KillingAnOrchestrator_KeepsRequestsThroughHaproxySucceeding()
    {
        await WaitAllUpAsync();
        const string victim = "orchestrator-2";
        var others = await PidsAsync();

        // A bounded stream of requests through HAProxy while one node is killed mid-way.
        using var traffic = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var results = new List<HttpStatusCode>();
        var failures = new List<string>();
        var sender = Task.Run(async () =>
        {
            for (var i = 0; i < 150 && !traffic.IsCancellationRequested; i++)
            {
                try
                {
                    var response = await stack.Http.GetAsync(new Uri(stack.Api, "/health/ready"), traffic.Token);
                    lock (results)
                    {
                        results.Add(response.StatusCode);
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (results)
                    {
                        failures.Add(ex.Message);
                    }
                }

                await Task.Delay(40, traffic.Token);
            }
        });
        // Kill mid-traffic: once some requests have gone through.
        await Eventually.HoldsAsync(
            "the first requests to go through",
            () => Task.FromResult((Count(results) >= 20, $"{Count(results)} answered")),
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(20));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await stack.Stack.KillAsync(victim);
        await Eventually.HoldsAsync(
            $"HAProxy to mark {victim} DOWN",
            async () =>
            {
                var servers = (await stack.BackendServersAsync())["orchestrators"];
                return (servers[victim].StartsWith("DOWN", StringComparison.Ordinal), $"{victim} is {servers[victim]}");
            },
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));
        var markedDown = clock.Elapsed;
        await sender;
        output.WriteLine($"HAProxy marked {victim} DOWN {markedDown.TotalSeconds:0.0} s after kill -9; {results.Count} requests, {failures.Count} transport failures");

        Assert.Empty(failures);
        Assert.All(results, code => Assert.Equal(HttpStatusCode.OK, code));
        Assert.True(results.Count >= 100, $"only {results.Count} requests were sent");

        var status = await stack.StatusAsync();
        var dead = status["processes"]!.AsArray().Single(p => (string?)p!["name"] == victim)!;
        Assert.False((bool?)dead["alive"]);

        // up again restarts only the dead node; everything else keeps its pid.
        await stack.Stack.UpAsync(TimeSpan.FromSeconds(120));
        var after = await PidsAsync();
        foreach (var (name, pid) in others.Where(p => p.Key != victim))
        {
            Assert.True(after[name] == pid, $"{name} was restarted by a second 'up' ({pid} -> {after[name]})");
        }

        Assert.NotEqual(others[victim], after[victim]);
        await WaitAllUpAsync();
    }

    [Fact]
    public async Task Sigterm_TurnsReadinessTo503WhileServing_ThenTheNodeExits()
    {
        await WaitAllUpAsync();
        const string victim = "orchestrator-3";
        var pid = (await PidsAsync())[victim] ?? throw new InvalidOperationException($"{victim} is not running");
        var direct = new Uri($"http://127.0.0.1:{5003 + stack.Stack.PortOffset}/health/ready");

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        // The node keeps answering, but says it is not ready, so HAProxy drains it first.
        var draining = await Eventually.HoldsAsync(
            $"{victim} to answer /health/ready with 503 while still up",
            async () =>
            {
                var response = await stack.Http.GetAsync(direct);
                return (response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}");
            },
            TimeSpan.FromSeconds(2),
            TimeSpan.FromMilliseconds(50));
        var markedDown = await Eventually.HoldsAsync(
            $"HAProxy to take {victim} out",
            async () =>
            {
                var servers = (await stack.BackendServersAsync())["orchestrators"];
                return (!servers[victim].StartsWith("UP", StringComparison.Ordinal), servers[victim]);
            },
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(100));
        var exited = await Eventually.HoldsAsync(
            $"{victim} (pid {pid}) to exit after draining",
            () => Task.FromResult((!Directory.Exists($"/proc/{pid}"), "still running")),
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(100));
        output.WriteLine($"SIGTERM: readiness 503 after {draining.TotalMilliseconds:0} ms, out of HAProxy after {markedDown.TotalSeconds:0.0} s, exited after {exited.TotalSeconds:0.0} s more");

        var ready = await stack.Http.GetAsync(new Uri(stack.Api, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await stack.Stack.UpAsync(TimeSpan.FromSeconds(120));
        await WaitAllUpAsync();
    }

    [Fact]
    public async Task KillingTheRunnersNode_TheRunnersReconnectToAnotherNode()
    {
        await WaitAllUpAsync();
        var before = await OnlineRunnersAsync();
        Assert.True(before.Count == 2, $"runners online before: {string.Join(", ", before)}");
        var victim = before.Values.First();

        await stack.Stack.KillAsync(victim);
        var moved = await Eventually.HoldsAsync(
            $"both runners online on a node other than {victim}",
            async () =>
            {
                var now = await OnlineRunnersAsync();
                return (now.Count == 2 && now.Values.All(n => n != victim), string.Join(", ", now.Select(r => $"{r.Key}@{r.Value}")));
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        output.WriteLine($"kill -9 of {victim}: both runners online elsewhere after {moved.TotalSeconds:0.0} s");

        await stack.Stack.UpAsync(TimeSpan.FromSeconds(120));
        await WaitAllUpAsync();
    }

    /// <summary>Runner name to the node it is connected to, for the runners the operator API shows online.</summary>
    private async Task<Dictionary<string, string>> OnlineRunnersAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stack.Api, "/api/runners"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stack.Stack.Secret("operator-token"));
        using var response = await stack.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var list = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return list.Where(r => (string?)r!["status"] == "online").ToDictionary(r => (string)r!["name"]!, r => (string)r!["node"]!);
    }

    private static int Count(List<HttpStatusCode> results)
    {
        lock (results)
        {
            return results.Count;
        }
    }

    private async Task<Dictionary<string, int?>> PidsAsync()
    {
        var status = await stack.StatusAsync();
        return status["processes"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int?)p!["pid"]);
    }

    private Task<TimeSpan> WaitAllUpAsync() =>
        Eventually.HoldsAsync(
            "all three orchestrators UP in HAProxy",
            async () =>
            {
                var servers = (await stack.BackendServersAsync())["orchestrators"];
                return (servers.Values.All(s => s == "UP"), string.Join(", ", servers.Select(s => $"{s.Key}={s.Value}")));
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(250));
}
