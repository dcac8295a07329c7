using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Dispatch;

/// <summary>
/// The leader's <c>unused-runners</c> task on real Redis and PostgreSQL, with the GitHub simulator
/// as GitHub: a dispatch GitHub never started a job on is torn down at GitHub, then released.
/// </summary>
[Collection(InfrastructureGroup.Name)]
public sealed class UnusedRunnersTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private readonly string _label = $"unused-{Guid.NewGuid():N}"[..20];
    private readonly string _repository = $"octo-org/unused-{Guid.NewGuid():N}"[..25];
    private SimulatorProcess? _github;
    private ReadyNode? _node;

    private ReadyNode Node => _node ?? throw new InvalidOperationException("not started");

    private SimulatorProcess GitHub => _github ?? throw new InvalidOperationException("not started");

    private IDispatchStore Store => Node.Factory.Services.GetRequiredService<IDispatchStore>();

    public async Task InitializeAsync()
    {
        _github = await SimulatorProcess.StartAsync();
        _node = await ReadyNode.StartAsync(infra, "unused-leader", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = _prefix,
            ["GitHub:ApiBaseUrl"] = _github.Url.ToString(),
        });
        await Node.WaitToLeadAsync();
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
    public async Task AnOldDispatchGitHubNeverStarted_IsDeletedAtGitHub_ThenQueuedAgain_ARecentOneIsLeftAlone()
    {
        var runnerId = Guid.NewGuid();
        var unused = await DispatchedAsync(runnerId, attempts: 1, registerAtGitHub: true);
        var gone = await DispatchedAsync(runnerId, attempts: 1, registerAtGitHub: false); // GitHub removed it already
        var lastAttempt = await DispatchedAsync(runnerId, attempts: 3, registerAtGitHub: true);
        var recent = await DispatchedAsync(runnerId, attempts: 1, registerAtGitHub: true);
        Assert.Equal(new[] { $"rh-{lastAttempt}-3", $"rh-{recent}-1", $"rh-{unused}-1" }.Order(), (await GitHub.RunnerNamesAsync(_repository)).Order());

        // Dispatched and acknowledged a day ago (well past Dispatch:UnusedRunnerTimeout, 10 min), still not started.
        await ExecuteAsync($"UPDATE jobs SET dispatched_at = now() - interval '1 day', acknowledged_at = now() - interval '1 day' WHERE job_id IN ({unused}, {gone}, {lastAttempt})");

        var queue = $"{_prefix}queue:self-hosted,{_label}";
        Assert.Empty(await PointersAsync(queue));
        await Eventually.HoldsAsync(
            "both unused dispatches to be queued again with their pointers, and the last attempt to be dead",
            async () =>
            {
                var states = await StatesAsync(unused, gone, lastAttempt);
                var pointers = await PointersAsync(queue);
                var done = states == "queued,queued,dead" && pointers.Contains(unused) && pointers.Contains(gone);
                return (done, $"states {states}, pointers [{string.Join(",", pointers)}]");
            },
            TimeSpan.FromSeconds(20));

        Assert.Equal([$"rh-{recent}-1"], await GitHub.RunnerNamesAsync(_repository));
        Assert.Equal("dispatched", await StatesAsync(recent));
        Assert.Equal(runnerId, await ScalarAsync<Guid>($"SELECT runner_id FROM jobs WHERE job_id = {recent}"));

        // The attempt was used (a runner was launched for it), the runner slot and lease given up.
        Assert.Equal(1, await ScalarAsync<int>($"SELECT attempt FROM jobs WHERE job_id = {unused}"));
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM jobs WHERE job_id IN ({unused}, {gone}) AND (runner_id IS NOT NULL OR lease_until IS NOT NULL)"));
        Assert.StartsWith("GitHub started no job on its runner after 3", await ScalarAsync<string>($"SELECT dead_reason FROM jobs WHERE job_id = {lastAttempt}"), StringComparison.Ordinal);
        Assert.DoesNotContain(lastAttempt, await PointersAsync(queue));
    }

    /// <summary>
    /// A job queued by webhook and claimed for <paramref name="runnerId"/> with an hour-long lease,
    /// <paramref name="attempts"/> times (each earlier attempt ended early), its last JIT runner
    /// registered at GitHub when <paramref name="registerAtGitHub"/>, and acknowledged.
    /// </summary>
    private async Task<long> DispatchedAsync(Guid runnerId, int attempts, bool registerAtGitHub)
    {
        var jobId = WebhookClient.NewJobId();
        using (var response = await WebhookClient.SendAsync(
            Node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{_label}"]""", repository: _repository)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        ClaimedJob? claim = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (claim is not null)
            {
                Assert.NotNull(await Store.ReleaseAsync(jobId, claim.Attempt, runnerId, attemptUsed: true, CancellationToken.None));
            }

            claim = await Store.ClaimAsync(jobId, runnerId, TimeSpan.FromHours(1), CancellationToken.None);
            Assert.Equal(attempt, claim?.Attempt);
        }

        if (registerAtGitHub)
        {
            var github = Node.Factory.Services.GetRequiredService<IGitHubClient>();
            await github.GenerateJitConfigAsync(_repository, claim!.JitRunnerName, claim.Labels, CancellationToken.None);
        }

        await Store.AcknowledgedAsync(jobId, claim!.Attempt, CancellationToken.None);

        // As the dispatcher does once the runner acknowledged: the pointer leaves the queue (unless
        // the leader's queue reconciliation removed it already: the job is no longer queued).
        await Node.Factory.Services.GetRequiredService<IJobQueue>().RemoveAsync(LabelSet.From(["self-hosted", _label]), jobId);
        return jobId;
    }

    private async Task<string> StatesAsync(params long[] jobIds)
    {
        var states = new List<string>();
        foreach (var jobId in jobIds)
        {
            states.Add(await ScalarAsync<string>($"SELECT state FROM jobs WHERE job_id = {jobId}") ?? "none");
        }

        return string.Join(",", states);
    }

    private async Task<long[]> PointersAsync(string queueKey) =>
        [.. (await Node.Factory.Services.GetRequiredService<IRedisConnection>().GetDatabase().ListRangeAsync(queueKey)).Select(v => (long)v)];

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
