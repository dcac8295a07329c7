using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Leadership;

/// <summary>The leader's maintenance on real Redis and PostgreSQL: queue reconciliation, silent runners, the failover timeline.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class LeaderTasksTests(InfrastructureFixture infra, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private ReadyNode? _node;

    private ReadyNode Node => _node ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _node = await ReadyNode.StartAsync(infra, "tasks-leader", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = _prefix,
            ["Dispatch:ReconcileInterval"] = "00:00:01",
        });
        await Node.WaitToLeadAsync();
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    [Fact]
    public async Task QueueReconciliation_PutsBackPointersRedisLost_AndRemovesPointersOfJobsNoLongerQueued()
    {
        var labels = $"reconcile-{Guid.NewGuid():N}"[..24];
        var jobId = await QueueJobAsync(labels);
        var queueKey = $"{_prefix}queue:{labels},self-hosted";
        Assert.Contains(jobId, await PointersAsync(queueKey));

        // Redis loses the pointer (as an unreplicated write does in a failover), and holds one for a job PostgreSQL never queued.
        var redis = Redis;
        await redis.KeyDeleteAsync([queueKey, $"{_prefix}queued:{labels},self-hosted"]);
        const long Phantom = 42;
        await redis.ListLeftPushAsync(queueKey, Phantom);

        var clock = Stopwatch.StartNew();
        await Eventually.HoldsAsync(
            "the queue to hold exactly the queued job",
            async () =>
            {
                var pointers = await PointersAsync(queueKey);
                return (pointers.SequenceEqual([jobId]), string.Join(",", pointers));
            },
            TimeSpan.FromSeconds(10));
        output.WriteLine($"queue repaired {clock.Elapsed.TotalSeconds:0.0} s after Redis lost it");
    }

    [Fact]
    public async Task ASilentRunner_GoesOffline_AndTheJobsItHadNotStartedGoBackToTheirQueue()
    {
        var labels = $"silent-{Guid.NewGuid():N}"[..22];
        var jobId = await QueueJobAsync(labels);
        var runnerId = Guid.NewGuid();
        await ExecuteAsync(
            """
            INSERT INTO runners (runner_id, name, labels, label_key, slots, node_id, connection_id, last_heartbeat_at)
            VALUES (@id, @name, ARRAY['self-hosted', @label], 'self-hosted,' || @label, 2, 'a-node', 'c1', now() - interval '1 hour')
            """,
            c =>
            {
                c.Parameters.AddWithValue("id", runnerId);
                c.Parameters.AddWithValue("name", $"silent-runner-{runnerId:N}");
                c.Parameters.AddWithValue("label", labels);
            });
        // Dispatched with an hour-long lease: only the runner's silence can give it back.
        var store = Node.Factory.Services.GetRequiredService<IDispatchStore>();
        Assert.NotNull(await store.ClaimAsync(jobId, runnerId, TimeSpan.FromHours(1), CancellationToken.None));

        await Eventually.HoldsAsync(
            "the job to be queued again with its pointer",
            async () =>
            {
                var state = await ScalarAsync<string>($"SELECT state FROM jobs WHERE job_id = {jobId}");
                var pointers = await PointersAsync($"{_prefix}queue:self-hosted,{labels}");
                return (state == "queued" && pointers.Contains(jobId), $"{state}, pointers [{string.Join(",", pointers)}]");
            },
            TimeSpan.FromSeconds(10));
        Assert.Null(await ScalarAsync<string>($"SELECT node_id FROM runners WHERE runner_id = '{runnerId}'"));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT attempt FROM jobs WHERE job_id = {jobId}"));
    }

    [Fact]
    public async Task TheTopologyWatch_RecordsAFailover_WhenTheRedisMasterIsNotTheOneLastRecorded()
    {
        await Eventually.HoldsAsync(
            "the leader to record the Redis master",
            async () => (await ScalarAsync<string>("SELECT value FROM topology_state WHERE component = 'redis'") is not null, "no row"),
            TimeSpan.FromSeconds(10));

        // As if a leader had last seen another master: the next look is a failover.
        var marker = $"10.9.{Random.Shared.Next(255)}.{Random.Shared.Next(255)}:6379";
        await ExecuteAsync(
            "UPDATE topology_state SET value = @marker, identity = 'an-older-replication-id', seen_at = now() - interval '5 seconds' WHERE component = 'redis'",
            c => c.Parameters.AddWithValue("marker", marker));

        await Eventually.HoldsAsync(
            "the failover to be recorded",
            async () => (await ScalarAsync<long>($"SELECT count(*) FROM failover_events WHERE component = 'redis' AND from_value = '{marker}'") == 1, "not yet"),
            TimeSpan.FromSeconds(10));
        var duration = await ScalarAsync<int>($"SELECT duration_ms FROM failover_events WHERE component = 'redis' AND from_value = '{marker}'");
        Assert.InRange(duration, 5000, 60_000);
        Assert.Equal(await infra.RedisMasterAsync(), await ScalarAsync<string>($"SELECT to_value FROM failover_events WHERE component = 'redis' AND from_value = '{marker}'"));
    }

    [Fact]
    public async Task TheLeader_PublishesLeadershipAndClusterMetrics()
    {
        string metrics = "";
        await Eventually.HoldsAsync(
            "the cluster gauges to appear",
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", infra.OperatorToken);
                using var response = await Node.Client.SendAsync(request);
                metrics = await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
                return (metrics.Contains("runnerhub_ha_cluster_nodes_healthy", StringComparison.Ordinal), "not yet");
            },
            TimeSpan.FromSeconds(15));

        Assert.Matches(@"runnerhub_ha_leader_status\{[^}]*node=""tasks-leader""[^}]*\} 1", metrics);
        Assert.Matches(@"runnerhub_ha_leader_transitions_total\{[^}]*change=""acquired""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"runnerhub_ha_failover_events_total\{[^}]*component=""leader""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"runnerhub_ha_redis_sentinel_masters(\{[^}]*\})? 1(\s|$)", metrics);
        Assert.Matches(@"runnerhub_ha_redis_sentinels_reachable(\{[^}]*\})? 3(\s|$)", metrics);
        Assert.Matches(@"runnerhub_ha_database_replication_lag_seconds(\{[^}]*\})? [0-9]", metrics);
        Assert.Matches(@"runnerhub_ha_database_replicas(\{[^}]*\})? 1(\s|$)", metrics);
        Assert.Matches(@"runnerhub_ha_cluster_nodes_healthy(\{[^}]*\})? [1-9]", metrics);
    }

    private IDatabase Redis => Node.Factory.Services.GetRequiredService<IRedisConnection>().GetDatabase();

    private async Task<long> QueueJobAsync(string label)
    {
        var jobId = WebhookClient.NewJobId();
        using var response = await WebhookClient.SendAsync(Node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return jobId;
    }

    private async Task<long[]> PointersAsync(string queueKey) =>
        [.. (await Redis.ListRangeAsync(queueKey)).Select(v => (long)v)];

    private async Task ExecuteAsync(string sql, Action<NpgsqlCommand> parameters)
    {
        await using var connection = await Node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        parameters(command);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await Node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T) == typeof(int) ? typeof(int) : typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
