using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Jobs;

/// <summary>The leader asks GitHub (the simulator, as a process) about jobs that sat unfinished: lost completed webhooks are made good.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class GitHubRecheckTests(InfrastructureFixture infra)
{
    private static readonly string[] Repositories = ["octo-org/octo-repo"];

    [Fact]
    public async Task UnfinishedJobs_AreClosedWhenGitHubSaysCompleted_DeadWhenGitHubDoesNotKnowThem_AndLeftAloneOtherwise()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        var label = $"recheck-{Guid.NewGuid():N}"[..20];
        var prefix = $"t{Guid.NewGuid():N}:";
        await using var node = await ReadyNode.StartAsync(infra, "recheck-leader", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = prefix,
            ["GitHub:ApiBaseUrl"] = simulator.Url.ToString(),
            ["GitHubRecheck:After"] = "00:00:01",
            ["GitHubRecheck:Interval"] = "00:00:01",
        });
        var (finished, stillQueued, unknown) = await ThreeJobsAsync(simulator, node, label);

        await Eventually.HoldsAsync(
            "the leader to close the finished job and bury the unknown one",
            async () =>
            {
                var a = await RowAsync(node, finished);
                var c = await RowAsync(node, unknown);
                return (a.State == "completed" && a.Conclusion == "success" && c.State == "dead", $"finished: {a}, unknown: {c}");
            },
            TimeSpan.FromSeconds(20));

        var b = await RowAsync(node, stillQueued);
        Assert.Equal("queued", b.State);
        Assert.True(b.Rechecked, "the job GitHub still has queued was asked about");
        Assert.Equal("GitHub no longer knows this job", (await RowAsync(node, unknown)).DeadReason);
        var queue = await node.Factory.Services.GetRequiredService<IRedisConnection>().GetDatabase().ListRangeAsync($"{prefix}queue:{label},self-hosted");
        Assert.Equal([stillQueued], queue.Select(v => (long)v));
    }

    [Fact]
    public async Task AJobThatKeepsRebounding_IsAskedAboutAtOnce_NotAfterTenMinutesUnchanged()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        var label = $"rebound-{Guid.NewGuid():N}"[..20];
        await using var node = await ReadyNode.StartAsync(infra, "recheck-rebounds", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["GitHub:ApiBaseUrl"] = simulator.Url.ToString(),
            ["GitHubRecheck:Interval"] = "00:00:01",
        });
        var (looping, calm) = (WebhookClient.NewJobId(), WebhookClient.NewJobId());
        foreach (var jobId in new[] { looping, calm })
        {
            using var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]"""));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // Neither is known at GitHub. One has rebounded ten times (changed a second ago, as a
        // looping job always is); the other has not, and waits for GitHubRecheck:After (10 min).
        await using (var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("UPDATE jobs SET rebounds = 10, attempt = 10, updated_at = now() WHERE job_id = @id", connection))
        {
            command.Parameters.AddWithValue("id", looping);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await Eventually.HoldsAsync(
            "the leader to ask GitHub about the rebounding job",
            async () => { var row = await RowAsync(node, looping); return (row.State == "dead", row.ToString()); },
            TimeSpan.FromSeconds(20));
        Assert.Equal("GitHub no longer knows this job", (await RowAsync(node, looping)).DeadReason);
        Assert.Equal(("queued", false), ((await RowAsync(node, calm)).State, (await RowAsync(node, calm)).Rechecked));
    }

    [Fact]
    public async Task AnOperatorsRecheck_AppliesTheSameRule_AtOnce()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        var label = $"operator-{Guid.NewGuid():N}"[..20];
        var prefix = $"t{Guid.NewGuid():N}:";

        // The leader would wait an hour: what changes here is the operator's doing.
        await using var node = await ReadyNode.StartAsync(infra, "recheck-operator", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = prefix,
            ["GitHub:ApiBaseUrl"] = simulator.Url.ToString(),
            ["GitHubRecheck:After"] = "01:00:00",
        });
        var (finished, stillQueued, unknown) = await ThreeJobsAsync(simulator, node, label);

        Assert.Equal($"GitHub says job {finished} completed (success): closed here too", await RecheckAsync(node, finished));
        Assert.Equal($"GitHub does not know job {unknown}: it is dead now", await RecheckAsync(node, unknown));
        Assert.Equal($"GitHub says job {stillQueued} is queued; here it is queued", await RecheckAsync(node, stillQueued));

        Assert.Equal(("completed", "success"), ((await RowAsync(node, finished)).State, (await RowAsync(node, finished)).Conclusion));
        Assert.Equal(("dead", "GitHub no longer knows this job (operator re-check)"), ((await RowAsync(node, unknown)).State, (await RowAsync(node, unknown)).DeadReason));
        Assert.Equal(("queued", true), ((await RowAsync(node, stillQueued)).State, (await RowAsync(node, stillQueued)).Rechecked));
        var queue = await node.Factory.Services.GetRequiredService<IRedisConnection>().GetDatabase().ListRangeAsync($"{prefix}queue:{label},self-hosted");
        Assert.Equal([stillQueued], queue.Select(v => (long)v));

        // Asked again, a finished job is only reported.
        Assert.Equal($"GitHub says job {finished} is completed (success); here it is completed", await RecheckAsync(node, finished));
    }

    /// <summary>
    /// GitHub (the simulator) has two queued jobs; RunnerHub gets the queued webhooks of both and of
    /// a third GitHub does not know. Then the first runs and completes at GitHub, on a runner
    /// RunnerHub did not make, and its completed webhook never reaches RunnerHub.
    /// </summary>
    private async Task<(long Finished, long StillQueued, long Unknown)> ThreeJobsAsync(SimulatorProcess simulator, ReadyNode node, string label)
    {
        using var http = new HttpClient { BaseAddress = simulator.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");

        // Their webhooks go nowhere: we deliver our own below.
        using var created = await http.PostAsJsonAsync("/jobs", new { count = 2, rate = 0, durationMs = 100, labelSets = new[] { new[] { "self-hosted", label } }, repositories = Repositories });
        created.EnsureSuccessStatusCode();
        var ids = (await created.Content.ReadFromJsonAsync<JsonObject>())!["jobIds"]!.AsArray().Select(i => (long)i!).ToArray();
        var (finished, stillQueued, unknown) = (ids[0], ids[1], WebhookClient.NewJobId());
        foreach (var jobId in new[] { finished, stillQueued, unknown })
        {
            using var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]"""));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        using (var registered = await http.PostAsJsonAsync("/repos/octo-org/octo-repo/actions/runners/generate-jitconfig", new { name = $"not-ours-{label}", runner_group_id = 1, labels = new[] { "self-hosted", label }, work_folder = "_work" }))
        {
            var jit = (string)(await registered.Content.ReadFromJsonAsync<JsonObject>())!["encoded_jit_config"]!;
            using var ran = await http.PostAsJsonAsync("/_simulator/runner/run", new { jitconfig = jit, waitMs = 5000 });
            Assert.Equal(finished, (long?)(await ran.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]);
        }

        return (finished, stillQueued, unknown);
    }

    /// <summary><c>POST /api/jobs/{id}/recheck</c> as an operator; the answer's message.</summary>
    private async Task<string> RecheckAsync(ReadyNode node, long jobId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{jobId}/recheck");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        using var response = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!;
    }

    private static async Task<(string State, string? Conclusion, string? DeadReason, bool Rechecked)> RowAsync(ReadyNode node, long jobId)
    {
        await using var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT state, conclusion, dead_reason, rechecked_at IS NOT NULL FROM jobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no job {jobId}");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3));
    }
}
