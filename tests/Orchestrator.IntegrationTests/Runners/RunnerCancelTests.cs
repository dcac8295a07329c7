using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Runners;

/// <summary>
/// The hub compares what a runner reports running with PostgreSQL on every announce and
/// heartbeat, tells it to cancel exactly the processes no live dispatch explains, and deletes
/// their JIT registrations at GitHub (the simulator, as a process).
/// </summary>
[Collection(InfrastructureGroup.Name)]
public sealed class RunnerCancelTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private readonly string _label = $"cancel-{Guid.NewGuid():N}"[..20];
    private ReadyNode? _node;
    private SimulatorProcess? _github;

    private ReadyNode Node => _node ?? throw new InvalidOperationException("not started");

    private IDispatchStore Store => Node.Factory.Services.GetRequiredService<IDispatchStore>();

    public async Task InitializeAsync()
    {
        _github = await SimulatorProcess.StartAsync();
        _node = await ReadyNode.StartAsync(infra, "orchestrator-61", new Dictionary<string, string?> { ["GitHub:ApiBaseUrl"] = _github.Url.ToString() });
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_github is not null)
        {
            await _github.DisposeAsync();
        }
    }

    [Fact]
    public async Task Heartbeat_CancelsWhatPostgresSaysShouldNotRun_WithAReason_AndNeverALiveProcess()
    {
        await using var runner = await TestRunner.ConnectAsync(Node, infra.OperatorToken, $"runner-{Guid.NewGuid():N}"[..20], ["self-hosted", _label]);
        var someoneElse = Guid.NewGuid();

        // Live: this runner's dispatch, not started by GitHub yet.
        var dispatched = await ClaimedAsync(runner.RunnerId);

        // Live: this runner's dispatch, which GitHub started on it.
        var started = await ClaimedAsync(runner.RunnerId);
        await WebhookAsync("in_progress", started, runner: $"rh-{started}-1");

        // Live: GitHub gave this job's JIT runner another job (the swap case): the job it was
        // launched for went back to its queue, but the process runs the other one.
        var launchedFor = await ClaimedAsync(runner.RunnerId);
        var tookItsRunner = await QueuedAsync();
        await WebhookAsync("in_progress", tookItsRunner, runner: $"rh-{launchedFor}-1");
        Assert.Equal("queued", await ScalarAsync<string>($"SELECT state FROM jobs WHERE job_id = {launchedFor}"));

        // Live: its job completed moments ago; the real runner exits by itself.
        var justDone = await ClaimedAsync(runner.RunnerId);
        await WebhookAsync("in_progress", justDone, runner: $"rh-{justDone}-1");
        await WebhookAsync("completed", justDone, runner: $"rh-{justDone}-1", conclusion: "success");

        // Orphan: the job was cancelled before GitHub started it.
        var cancelledEarly = await ClaimedAsync(runner.RunnerId);
        await WebhookAsync("completed", cancelledEarly, conclusion: "cancelled");

        // Orphan: its job completed an hour ago and it still runs.
        var longDone = await ClaimedAsync(runner.RunnerId);
        await WebhookAsync("in_progress", longDone, runner: $"rh-{longDone}-1");
        await WebhookAsync("completed", longDone, runner: $"rh-{longDone}-1", conclusion: "success");
        await ExecuteAsync($"UPDATE jobs SET completed_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' WHERE job_id = {longDone}");

        // Orphan: its lease ran out and the job went to another runner as attempt 2.
        var movedOn = await ClaimedAsync(runner.RunnerId);
        Assert.NotNull(await Store.ReleaseAsync(movedOn, 1, runner.RunnerId, attemptUsed: true, CancellationToken.None));
        Assert.Equal(2, (await Store.ClaimAsync(movedOn, someoneElse, TimeSpan.FromHours(1), CancellationToken.None))?.Attempt);

        // Orphan: a job PostgreSQL does not know.
        var unknown = WebhookClient.NewJobId();

        List<RunningJob> running =
        [
            new(dispatched, 1), new(started, 1), new(launchedFor, 1), new(justDone, 1),
            new(cancelledEarly, 1), new(longDone, 1), new(movedOn, 1), new(unknown, 1),
        ];
        var expected = new Dictionary<long, string>
        {
            [cancelledEarly] = "the job completed (cancelled)",
            [longDone] = "the job completed (success)",
            [movedOn] = "the job moved on to dispatch attempt 2",
            [unknown] = "the job is not known",
        };

        // GitHub has a JIT registration for each process: the dispatcher made them.
        using var github = new HttpClient { BaseAddress = _github!.Url };
        github.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        foreach (var (jobId, _) in running)
        {
            using var registered = await github.PostAsJsonAsync(
                "/repos/octo-org/octo-repo/actions/runners/generate-jitconfig",
                new { name = $"rh-{jobId}-1", runner_group_id = 1, labels = new[] { "self-hosted", _label }, work_folder = "_work" });
            registered.EnsureSuccessStatusCode();
        }

        await runner.Hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(4, 0, running, "test"));
        await AssertCancelsAsync(runner, expected, "after the announce");

        // The cancelled processes' registrations are deleted (the unknown job's too: its name was
        // made by RunnerHub, but without the job there is no repository to look in, so it stays);
        // the live ones stay.
        var gone = new[] { cancelledEarly, longDone, movedOn }.Select(id => $"rh-{id}-1").ToHashSet();
        var kept = new[] { dispatched, started, launchedFor, justDone, unknown }.Select(id => $"rh-{id}-1").ToHashSet();
        await Eventually.HoldsAsync(
            "the cancelled processes' registrations deleted at GitHub",
            async () =>
            {
                var names = await RegisteredAsync(github);
                return (!names.Overlaps(gone) && kept.IsSubsetOf(names), string.Join(", ", names.Order()));
            },
            TimeSpan.FromSeconds(10));

        // Nothing depends on a cancel having arrived: the next heartbeat says it again.
        runner.ClearCancels();
        await runner.Hub.InvokeAsync(nameof(IRunnerHub.Heartbeat), new RunnerHeartbeat(0, running));
        await AssertCancelsAsync(runner, expected, "after a heartbeat");
    }

    private static async Task AssertCancelsAsync(TestRunner runner, Dictionary<long, string> expected, string when)
    {
        await Eventually.HoldsAsync(
            $"a cancel of every orphan {when}",
            () => Task.FromResult((expected.Keys.All(id => runner.Cancels.Any(c => c.JobId == id)), Describe(runner.Cancels))),
            TimeSpan.FromSeconds(10));
        var cancels = runner.Cancels;

        // The cancels of one heartbeat are sent before its answer: any other would be here by now.
        Assert.True(cancels.All(c => expected.ContainsKey(c.JobId)), $"{when}, a live process was cancelled: {Describe(cancels)}");
        Assert.All(cancels, c => Assert.Equal(1, c.Attempt));
        Assert.All(cancels, c => Assert.StartsWith(expected[c.JobId], c.Reason, StringComparison.Ordinal));
        Assert.Equal(expected.Count, cancels.Count);
    }

    /// <summary>The names of the JIT runners registered with GitHub for the repository.</summary>
    private static async Task<HashSet<string>> RegisteredAsync(HttpClient github)
    {
        var list = await github.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/actions/runners?per_page=100");
        return [.. list!["runners"]!.AsArray().Select(r => (string)r!["name"]!)];
    }

    private static string Describe(IEnumerable<JobCancel> cancels) => string.Join("; ", cancels.Select(c => $"{c.JobId}/{c.Attempt}: {c.Reason}"));

    private async Task<long> QueuedAsync()
    {
        var jobId = WebhookClient.NewJobId();
        await WebhookAsync("queued", jobId);
        return jobId;
    }

    /// <summary>A job queued by webhook and claimed for <paramref name="runnerId"/> with an hour-long lease, as the dispatcher claims it.</summary>
    private async Task<long> ClaimedAsync(Guid runnerId)
    {
        var jobId = await QueuedAsync();
        var claim = await Store.ClaimAsync(jobId, runnerId, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal((jobId, 1, $"rh-{jobId}-1"), (claim?.JobId, claim?.Attempt, claim?.JitRunnerName));
        return jobId;
    }

    private async Task WebhookAsync(string action, long jobId, string? runner = null, string? conclusion = null)
    {
        using var response = await WebhookClient.SendAsync(
            Node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job(action, jobId, $"""["self-hosted","{_label}"]""", runner: runner, conclusion: conclusion));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await Node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await Node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }
}
