using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Scheduling;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Scheduling;

/// <summary>Retention on real PostgreSQL: what it deletes, what it keeps, and that a stale leader deletes nothing.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class RetentionTests(InfrastructureFixture infra) : IAsyncLifetime
{
    // Small batches, so a run needs several fenced transactions.
    private readonly SchedulingNodes _cluster = new(infra, new Dictionary<string, string?> { ["Retention:BatchSize"] = "3" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.StopAllAsync();

    [Fact]
    public async Task Purge_DeletesOldDeliveriesAndFinishedJobs_InBatches_AndKeepsRecentAndUnfinishedOnes()
    {
        var node = (await _cluster.StartAsync(1))[0];
        var (_, token) = await SchedulingNodes.LeaderAsync([node]);
        var rows = await SeedAsync(node);

        var result = await node.Factory.Services.GetRequiredService<RetentionPurge>().PurgeAsync(token, CancellationToken.None);

        Assert.Empty(await ExistingDeliveriesAsync(node, rows.OldDeliveries));
        Assert.Equal(rows.RecentDeliveries, await ExistingDeliveriesAsync(node, rows.RecentDeliveries));
        Assert.Empty(await ExistingJobsAsync(node, rows.OldFinishedJobs));
        Assert.Equal(rows.KeptJobs, await ExistingJobsAsync(node, rows.KeptJobs));
        Assert.True(result.Deliveries >= rows.OldDeliveries.Count && result.Jobs >= rows.OldFinishedJobs.Count, $"{result}");
        // Seven old deliveries at three a batch take at least three batches, the jobs at least one more.
        Assert.True(result.Batches >= 4, $"{result}");
    }

    [Fact]
    public async Task Purge_WithAStaleToken_IsFencedOut_AndDeletesNothing()
    {
        var node = (await _cluster.StartAsync(1))[0];
        var (_, token) = await SchedulingNodes.LeaderAsync([node]);
        var rows = await SeedAsync(node);
        var purge = node.Factory.Services.GetRequiredService<RetentionPurge>();

        // A newer leader took over, as if this one froze past its lease.
        var newer = await node.Factory.Services.GetRequiredService<LeaderFence>().TakeOverAsync("another-node", Guid.NewGuid(), null, CancellationToken.None);
        await Assert.ThrowsAsync<FencedOutException>(() => purge.PurgeAsync(token, CancellationToken.None));

        Assert.Equal(rows.OldDeliveries, await ExistingDeliveriesAsync(node, rows.OldDeliveries));
        Assert.Equal(rows.OldFinishedJobs, await ExistingJobsAsync(node, rows.OldFinishedJobs));

        // The newer token deletes them.
        await purge.PurgeAsync(newer, CancellationToken.None);
        Assert.Empty(await ExistingDeliveriesAsync(node, rows.OldDeliveries));
        Assert.Empty(await ExistingJobsAsync(node, rows.OldFinishedJobs));
    }

    [Fact]
    public async Task TheRecurringJob_RunsOnTheLeadersLeaderQueue_AndPrunes()
    {
        var nodes = await _cluster.StartAsync(2);
        var (leader, _) = await SchedulingNodes.LeaderAsync(nodes);
        await Eventually.HoldsAsync(
            "the leader to serve the leader queue",
            async () =>
            {
                var queues = await SchedulingNodes.QueuesByNodeAsync(nodes);
                return (queues[SchedulingNodes.NodeId(leader)].Contains("leader"), SchedulingNodes.Describe(queues));
            },
            TimeSpan.FromSeconds(30));
        var rows = await SeedAsync(leader);

        // What the hourly schedule does, now.
        new RecurringJobManager(await SchedulingNodes.StorageAsync(leader)).Trigger(RetentionJob.RecurringJobId);

        await Eventually.HoldsAsync(
            "the retention job to delete the old rows",
            async () =>
            {
                var deliveries = await ExistingDeliveriesAsync(leader, rows.OldDeliveries);
                var jobs = await ExistingJobsAsync(leader, rows.OldFinishedJobs);
                return (deliveries.Count == 0 && jobs.Count == 0, $"{deliveries.Count} old deliveries and {jobs.Count} old jobs left");
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        Assert.Equal(rows.RecentDeliveries, await ExistingDeliveriesAsync(leader, rows.RecentDeliveries));
        Assert.Equal(rows.KeptJobs, await ExistingJobsAsync(leader, rows.KeptJobs));
    }

    /// <summary>Rows on both sides of the default limits (7 days for deliveries, 30 for finished jobs).</summary>
    private static async Task<SeededRows> SeedAsync(ReadyNode node)
    {
        var oldDeliveries = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid().ToString()).Order(StringComparer.Ordinal).ToList();
        var recentDeliveries = Enumerable.Range(0, 2).Select(_ => Guid.NewGuid().ToString()).Order(StringComparer.Ordinal).ToList();
        var completedOld = WebhookClient.NewJobId();
        var deadOld = WebhookClient.NewJobId();
        var completedRecent = WebhookClient.NewJobId();
        var queuedOld = WebhookClient.NewJobId();
        var inProgressOld = WebhookClient.NewJobId();

        await using var connection = await DataSource(node).OpenConnectionAsync();
        foreach (var (id, age) in oldDeliveries.Select(id => (id, "8 days")).Concat(recentDeliveries.Select(id => (id, "6 days"))))
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO deliveries (delivery_id, event, action, status_code, outcome, node_id, received_at)
                VALUES (@id, 'workflow_job', 'queued', 200, 'test', 'retention-test', now() - @age::interval)
                """,
                connection);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("age", age);
            await command.ExecuteNonQueryAsync();
        }

        // Finished long ago: deleted. Finished recently, or old but not finished: kept.
        await InsertJobAsync(connection, completedOld, "completed", completedAgo: "31 days", updatedAgo: "1 day");
        await InsertJobAsync(connection, deadOld, "dead", completedAgo: null, updatedAgo: "31 days");
        await InsertJobAsync(connection, completedRecent, "completed", completedAgo: "29 days", updatedAgo: "29 days");
        await InsertJobAsync(connection, queuedOld, "queued", completedAgo: null, updatedAgo: "40 days");
        await InsertJobAsync(connection, inProgressOld, "in_progress", completedAgo: null, updatedAgo: "40 days");

        return new SeededRows(oldDeliveries, recentDeliveries, [.. new[] { completedOld, deadOld }.Order()], [.. new[] { completedRecent, queuedOld, inProgressOld }.Order()]);
    }

    private static async Task InsertJobAsync(NpgsqlConnection connection, long jobId, string state, string? completedAgo, string updatedAgo)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jobs (job_id, run_id, run_attempt, repository, owner, labels, label_key, state, accepted_at, completed_at, updated_at)
            VALUES (@id, 1, 1, 'octo/retention', 'octo', ARRAY['self-hosted'], 'self-hosted', @state,
                    now() - interval '60 days', now() - @completed::interval, now() - @updated::interval)
            """,
            connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("state", state);
        command.Parameters.AddWithValue("completed", (object?)completedAgo ?? DBNull.Value);
        command.Parameters.AddWithValue("updated", updatedAgo);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ExistingDeliveriesAsync(ReadyNode node, IReadOnlyList<string> ids)
    {
        await using var connection = await DataSource(node).OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT delivery_id FROM deliveries WHERE delivery_id = ANY(@ids) ORDER BY delivery_id COLLATE \"C\"", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    private static async Task<List<long>> ExistingJobsAsync(ReadyNode node, IReadOnlyList<long> ids)
    {
        await using var connection = await DataSource(node).OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT job_id FROM jobs WHERE job_id = ANY(@ids) ORDER BY job_id", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var found = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetInt64(0));
        }

        return found;
    }

    private static NpgsqlDataSource DataSource(ReadyNode node) => node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource;

    private sealed record SeededRows(List<string> OldDeliveries, List<string> RecentDeliveries, List<long> OldFinishedJobs, List<long> KeptJobs);
}
