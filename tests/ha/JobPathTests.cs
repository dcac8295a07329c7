using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>The product's reason to exist, on the whole topology: webhook in through HAProxy, runner out, job done.</summary>
[Collection(StackGroup.Name)]
public sealed class JobPathTests(StackFixture stack, ITestOutputHelper output)
{
    private Uri Simulator => new($"http://127.0.0.1:{9000 + stack.Stack.PortOffset}");

    // 400 jobs at 100/s, a quarter per label set: enough that GitHub routinely gives one job's JIT
    // runner to another (rebounds, swaps) and runners' slots fill, without making CI slow.
    private const int Jobs = 400;
    private const int PerLabelSet = Jobs / 4;
    private const int Servable = Jobs - PerLabelSet;

    [Fact]
    public async Task JobsThroughHaproxy_EveryServableJobCompletes_TheOthersStayQueued()
    {
        using (var reset = await stack.Http.DeleteAsync(new Uri(Simulator, "/_simulator/state")))
        {
            reset.EnsureSuccessStatusCode();
        }

        // Label sets in other letter case and order still match a runner; arm64 matches none.
        var request = new
        {
            count = Jobs,
            rate = 100,
            durationMs = 200,
            labelSets = new[] { new[] { "self-hosted", "linux", "x64" }, ["Self-Hosted", "GPU"], ["X64", "linux", "SELF-HOSTED"], ["self-hosted", "arm64"] },
            repositories = new[] { "octo-org/octo-repo", "octo-org/other-repo" },
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonNode batch;
        using (var created = await stack.Http.PostAsJsonAsync(new Uri(Simulator, "/jobs"), request))
        {
            Assert.True(created.IsSuccessStatusCode, $"POST /jobs: {created.StatusCode}");
            batch = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        }

        JsonNode summary = null!;
        TimeSpan done;
        try
        {
            done = await Eventually.HoldsAsync(
                $"{Servable} servable jobs to complete",
                async () =>
                {
                    summary = JsonNode.Parse(await stack.Http.GetStringAsync(new Uri(Simulator, "/summary")))!;
                    return ((int?)summary["completed"] >= Servable, $"completed {summary["completed"]}, queued {summary["queued"]}, in progress {summary["inProgress"]}");
                },
                TimeSpan.FromSeconds(240),
                TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            await DescribeUnfinishedAsync((long)batch["firstJobId"]!, (long)batch["lastJobId"]!);
            throw;
        }

        output.WriteLine($"{Servable} jobs completed {done.TotalSeconds:0.0} s after POST /jobs ({clock.Elapsed.TotalSeconds:0.0} s total)");

        Assert.Equal(Jobs, (int?)summary["created"]);
        Assert.Equal(Jobs, (int?)summary["delivered"]);
        Assert.Equal(Servable, (int?)summary["completed"]);
        var perLabelSet = summary["perLabelSet"]!;
        Assert.Equal(PerLabelSet, (int?)perLabelSet["arm64,self-hosted"]!["queued"]);
        Assert.Equal(0, (int?)perLabelSet["arm64,self-hosted"]!["completed"]);
        Assert.Equal(PerLabelSet, (int?)perLabelSet["gpu,self-hosted"]!["completed"]);
        Assert.Equal(2 * PerLabelSet, (int?)perLabelSet["linux,self-hosted,x64"]!["completed"]);
        Assert.Equal(Servable, (int?)summary["conclusions"]!["success"]);

        // RunnerHub shows the rest as queued, for a label set no runner can serve.
        using var queuesRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(stack.Api, "/api/queues"));
        queuesRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stack.Stack.Secret("operator-token"));
        using var queuesResponse = await stack.Http.SendAsync(queuesRequest);
        queuesResponse.EnsureSuccessStatusCode();
        var arm64 = JsonNode.Parse(await queuesResponse.Content.ReadAsStringAsync())!.AsArray()
            .Single(q => string.Join(',', q!["labels"]!.AsArray().Select(l => (string?)l)) == "arm64,self-hosted")!;
        Assert.Equal(PerLabelSet, (int?)arm64["queued"]);
        Assert.False((bool?)arm64["servable"]);

        // No job was dispatched twice: GitHub (the simulator) removes an ephemeral runner once it
        // has run a job, so with every job run once, any second JIT config for a job would be a
        // runner still registered.
        try
        {
            await Eventually.HoldsAsync(
                "every JIT runner to have run exactly one job",
                async () =>
                {
                    summary = JsonNode.Parse(await stack.Http.GetStringAsync(new Uri(Simulator, "/summary")))!;
                    return ((int?)summary["registeredRunners"] == 0, $"{summary["registeredRunners"]} registered runners without a job");
                },
                TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await DescribeLeftoverRunnersAsync(request.repositories);
            throw;
        }
    }

    [Fact]
    public async Task Webhooks_ThroughHaproxy_AreVerifiedAndDeduplicated()
    {
        var secret = stack.Stack.Secret("webhook-secret");
        var jobId = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        var body = Encoding.UTF8.GetBytes(
            $$"""{"action":"queued","workflow_job":{"id":{{jobId}},"run_id":1,"run_attempt":1,"labels":["self-hosted","nowhere"],"name":"x"},"repository":{"full_name":"octo-org/octo-repo","owner":{"login":"octo-org"} } }""");
        var delivery = Guid.NewGuid().ToString();

        var first = await SendAsync(body, delivery, Sign(secret, body));
        var second = await SendAsync(body, delivery, Sign(secret, body));
        var forged = await SendAsync(body, Guid.NewGuid().ToString(), Sign("not-the-secret", body));
        var broken = await SendAsync(Encoding.UTF8.GetBytes("{oops"), Guid.NewGuid().ToString(), Sign(secret, Encoding.UTF8.GetBytes("{oops")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("created", (string?)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["outcome"]);
        Assert.True((bool?)JsonNode.Parse(await second.Content.ReadAsStringAsync())!["duplicate"]);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    /// <summary>For a failure: each JIT runner still registered at GitHub without a job, and every log line naming it.</summary>
    private async Task DescribeLeftoverRunnersAsync(IEnumerable<string> repositories)
    {
        foreach (var repository in repositories)
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(Simulator, $"/repos/{repository}/actions/runners?per_page=100"));
            list.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "simulator");
            using var response = await stack.Http.SendAsync(list);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                output.WriteLine($"runners of {repository}: {(int)response.StatusCode} {body}");
                continue;
            }

            foreach (var runner in JsonNode.Parse(body)!["runners"]!.AsArray().Take(5))
            {
                var name = (string)runner!["name"]!;
                output.WriteLine($"left registered in {repository}: {runner.ToJsonString()}");
                foreach (var log in Directory.EnumerateFiles(Path.Combine(stack.Stack.StateDirectory, "logs"), "*.log"))
                {
                    foreach (var line in File.ReadLines(log).Where(l => l.Contains(name, StringComparison.Ordinal)).Take(30))
                    {
                        output.WriteLine($"  {Path.GetFileName(log)}: {line}");
                    }
                }
            }
        }
    }

    /// <summary>For a failure: each servable job GitHub has not finished, as GitHub and the orchestrators' logs saw it.</summary>
    private async Task DescribeUnfinishedAsync(long first, long last)
    {
        var shown = 0;
        for (var id = first; id <= last && shown < 5; id++)
        {
            var job = JsonNode.Parse(await stack.Http.GetStringAsync(new Uri(Simulator, $"/jobs/{id}")))!;
            if ((string?)job["status"] == "completed" || (string?)job["labelSet"] == "arm64,self-hosted")
            {
                continue;
            }

            shown++;
            output.WriteLine($"unfinished job {id}: status {job["status"]}, runner {job["runnerName"]}, labels {job["labelSet"]}, queued delivery {job["queuedDelivery"]}");
            foreach (var log in Directory.EnumerateFiles(Path.Combine(stack.Stack.StateDirectory, "logs"), "*.log"))
            {
                foreach (var line in File.ReadLines(log).Where(l => l.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).Take(30))
                {
                    output.WriteLine($"  {Path.GetFileName(log)}: {line}");
                }
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(byte[] body, string delivery, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stack.Api, "/api/webhooks/github")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "workflow_job");
        request.Headers.Add("X-GitHub-Delivery", delivery);
        request.Headers.Add("X-Hub-Signature-256", signature);
        return await stack.Http.SendAsync(request);
    }

    private static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
