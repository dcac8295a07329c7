using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>One leader among the three orchestrators, through kill -9 of the leader and its restart.</summary>
[Collection(StackGroup.Name)]
public sealed class LeadershipTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Orchestrators = ["orchestrator-1", "orchestrator-2", "orchestrator-3"];

    [Fact]
    public async Task KillingTheLeader_AnotherLeadsWithin3s_WithAHigherToken_AndTwoNeverLeadAtOnce()
    {
        using var sampling = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var overlaps = new List<string>();
        var samples = 0;
        // Every 100 ms, every node's own view: at no instant may two nodes say they lead.
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var views = await ViewsAsync();
                var leaders = views.Where(v => v.View?["isLeader"]?.GetValue<bool>() == true).Select(v => v.Node).ToList();
                Interlocked.Increment(ref samples);
                if (leaders.Count > 1)
                {
                    lock (overlaps)
                    {
                        overlaps.Add(string.Join(", ", leaders));
                    }
                }

                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        try
        {
            for (var round = 1; round <= 2; round++)
            {
                var (leader, token) = await LeaderAsync(TimeSpan.FromSeconds(30));
                var pid = await stack.Stack.PidOfAsync(leader);
                await stack.Stack.SignalAsync(leader, "KILL");
                var clock = Stopwatch.StartNew();
                var (next, nextToken) = await LeaderAsync(TimeSpan.FromSeconds(10), except: leader);
                var elapsed = clock.Elapsed;
                await Eventually.HoldsAsync($"{leader} (pid {pid}) to exit", () => Task.FromResult((!Directory.Exists($"/proc/{pid}"), "still there")), TimeSpan.FromSeconds(15));
                output.WriteLine($"round {round}: kill -9 of {leader} (token {token}); {next} leads {elapsed.TotalSeconds:0.00} s later with token {nextToken}");
                Assert.True(nextToken > token, $"token {nextToken} after {token}");
                Assert.True(elapsed < TimeSpan.FromSeconds(3), $"{next} took {elapsed} to lead");
                var status = await stack.StatusAsync();
                Assert.Equal(next, (string?)status["leader"]?["node"]);
                Assert.Equal(nextToken, (long?)status["leader"]?["token"]);

                // The killed node comes back as a follower of the new leader.
                await stack.Stack.UpAsync(TimeSpan.FromSeconds(120));
                await Eventually.HoldsAsync(
                    $"{leader} to rejoin as a follower of {next}",
                    async () =>
                    {
                        var view = (await ViewsAsync()).Single(v => v.Node == leader).View;
                        return (view?["isLeader"]?.GetValue<bool>() == false && (string?)view["leaderId"] == next, view?.ToJsonString() ?? "no answer");
                    },
                    TimeSpan.FromSeconds(30));
                output.WriteLine($"{leader} rejoined as a follower");
            }
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
        }

        output.WriteLine($"{samples} samples of all three nodes, {overlaps.Count} with two leaders");
        Assert.True(samples > 50, $"only {samples} samples");
        Assert.Empty(overlaps);
    }

    [Fact]
    public async Task StoppingTheLeaderGracefully_HandsOverAtOnce()
    {
        var (leader, token) = await LeaderAsync(TimeSpan.FromSeconds(30));
        await stack.Stack.SignalAsync(leader, "TERM");
        var clock = Stopwatch.StartNew();
        var (next, nextToken) = await LeaderAsync(TimeSpan.FromSeconds(5), except: leader);
        var elapsed = clock.Elapsed;
        output.WriteLine($"SIGTERM to {leader} (token {token}): {next} leads {elapsed.TotalMilliseconds:0} ms later with token {nextToken}");
        Assert.True(nextToken > token);

        // The stopped node released the lease rather than let it expire (2 s).
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"hand-over took {elapsed}");

        // It drains (3 s) and exits; then it comes back as a follower.
        await Eventually.HoldsAsync(
            $"{leader} to exit after draining",
            async () => (await stack.Stack.PidOfAsync(leader) is null, "still running"),
            TimeSpan.FromSeconds(75)); // drain 3 s, then up to the host's 30 s shutdown timeout, on a loaded machine
        await stack.Stack.UpAsync(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task ALeaderFrozenPastItsLease_IsReplaced_AndOnResumingNeverActsAsLeader()
    {
        var (leader, token) = await LeaderAsync(TimeSpan.FromSeconds(30));
        var log = Path.Combine(stack.Stack.StateDirectory, "logs", $"{leader}.log");
        var logBefore = new FileInfo(log).Length;

        // SIGSTOP: the process keeps its sockets and its lease but cannot renew or notice.
        await stack.Stack.SignalAsync(leader, "STOP");
        try
        {
            var clock = Stopwatch.StartNew();
            var (next, nextToken) = await LeaderAsync(TimeSpan.FromSeconds(10), except: leader);
            output.WriteLine($"{leader} frozen (token {token}); {next} leads {clock.Elapsed.TotalSeconds:0.00} s later with token {nextToken}");
            Assert.True(nextToken > token);

            // Stay frozen well past the lease, so every timer of the old leader is overdue at once.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await stack.Stack.SignalAsync(leader, "CONT");
        }

        // Its very first answer after resuming: not the leader (its renew deadline has passed).
        JsonObject? firstAnswer = null;
        await Eventually.HoldsAsync(
            $"{leader} to answer again",
            async () =>
            {
                firstAnswer = (await ViewsAsync()).Single(v => v.Node == leader).View;
                return (firstAnswer is not null, "no answer");
            },
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(20));
        Assert.False(firstAnswer!["isLeader"]!.GetValue<bool>(), firstAnswer.ToJsonString());

        // What the resumed node did: it ended its term, and any leader write it still tried was refused by PostgreSQL.
        await Eventually.HoldsAsync(
            $"{leader} to log the end of its term",
            () => Task.FromResult((ReadFrom(log, logBefore).Contains($"lost leadership (token {token})", StringComparison.Ordinal), "not yet")),
            TimeSpan.FromSeconds(10));
        var after = ReadFrom(log, logBefore);
        var refused = after.Split('\n').Count(l => l.Contains("refused by the fence", StringComparison.Ordinal));
        output.WriteLine($"{leader} after resuming: {refused} leader write(s) refused by the fence; {after.Split('\n').FirstOrDefault(l => l.Contains("lost leadership", StringComparison.Ordinal))?.Trim()}");
        Assert.DoesNotContain($"acquired leadership, token {token}", after, StringComparison.Ordinal);
    }

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private async Task<(string Leader, long Token)> LeaderAsync(TimeSpan within, string? except = null)
    {
        (string Node, JsonObject? View) found = default;
        await Eventually.HoldsAsync(
            except is null ? "a leader" : $"a leader other than {except}",
            async () =>
            {
                // Only the others are asked: a node that is stopping or dead may answer slowly or not at all.
                var views = await ViewsAsync(except);
                found = views.FirstOrDefault(v => v.View?["isLeader"]?.GetValue<bool>() == true);
                return (found.View is not null, string.Join("; ", views.Select(v => $"{v.Node}: {v.View?.ToJsonString() ?? "no answer"}")));
            },
            within,
            TimeSpan.FromMilliseconds(50));
        return (found.Node!, (long)found.View!["fencingToken"]!);
    }

    /// <summary>Each node's <c>/health/leadership</c>, asked directly (not through HAProxy); null when it does not answer.</summary>
    private async Task<(string Node, JsonObject? View)[]> ViewsAsync(string? except = null) =>
        await Task.WhenAll(Orchestrators.Select((node, i) => (node, i)).Where(n => n.node != except).Select(async n =>
        {
            var (node, i) = n;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                var port = 5001 + i + stack.Stack.PortOffset;
                return (node, await stack.Http.GetFromJsonAsync<JsonObject>(new Uri($"http://127.0.0.1:{port}/health/leadership"), timeout.Token));
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return (node, (JsonObject?)null);
            }
        }));
}
