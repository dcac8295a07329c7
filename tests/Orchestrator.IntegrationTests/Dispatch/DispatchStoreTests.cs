using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.IntegrationTests.Storage;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.IntegrationTests.Dispatch;

[Collection(InfrastructureGroup.Name)]
public sealed class DispatchStoreTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task ClaimAsync_TwoNodesRacingForOneJob_ExactlyOneWins()
    {
        var jobId = await QueueJobAsync("""["self-hosted","claim-race"]""");
        await using var nodeA = Services("claim-a");
        await using var nodeB = Services("claim-b");
        var stores = new[] { nodeA.GetRequiredService<IDispatchStore>(), nodeB.GetRequiredService<IDispatchStore>() };

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            stores[i % 2].ClaimAsync(jobId, Guid.NewGuid(), TimeSpan.FromSeconds(30), CancellationToken.None)));

        var winner = Assert.Single(claims, c => c is not null)!;
        Assert.Equal(1, winner.Attempt);
        Assert.Equal($"rh-{jobId}-1", winner.JitRunnerName);
        Assert.Equal(["claim-race", "self-hosted"], winner.Labels);
        Assert.Equal("dispatched", await StateAsync(jobId));
    }

    [Fact]
    public async Task ExpiredLease_PutsTheJobBack_ThenDeadAfterTheLastAttempt()
    {
        var jobId = await QueueJobAsync("""["self-hosted","lease-expiry"]""");
        await using var node = Services("lease-node");
        var store = node.GetRequiredService<IDispatchStore>();

        var first = await store.ClaimAsync(jobId, Guid.NewGuid(), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.NotNull(first);
        await Eventually.HoldsAsync(
            "the first lease to expire and the job to be queued again",
            async () => ((await store.ExpireLeasesAsync(2, CancellationToken.None)).Any(j => j.JobId == jobId), await StateAsync(jobId) ?? "none"),
            TimeSpan.FromSeconds(10));
        Assert.Equal("queued", await StateAsync(jobId));

        // A stale report of attempt 1 cannot release attempt 2.
        var runner = Guid.NewGuid();
        var second = await store.ClaimAsync(jobId, runner, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.Equal(2, second!.Attempt);
        Assert.Null(await store.ReleaseAsync(jobId, 1, runner, attemptUsed: true, CancellationToken.None));
        await Eventually.HoldsAsync(
            "the second lease to expire into dead",
            async () => { await store.ExpireLeasesAsync(2, CancellationToken.None); var s = await StateAsync(jobId); return (s == "dead", s ?? "none"); },
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ARefusedDispatch_GivesItsAttemptBack_AnEarlyExitDoesNot()
    {
        var jobId = await QueueJobAsync("""["self-hosted","refusal"]""");
        await using var node = Services("refusal-node");
        var store = node.GetRequiredService<IDispatchStore>();

        var (runnerA, runnerB) = (Guid.NewGuid(), Guid.NewGuid());
        var refused = await store.ClaimAsync(jobId, runnerA, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.NotNull(await store.ReleaseAsync(jobId, refused!.Attempt, runnerA, attemptUsed: false, CancellationToken.None));
        var retried = await store.ClaimAsync(jobId, runnerB, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(1, retried!.Attempt);

        // The same JIT runner name now belongs to runner B's dispatch: a late exit report from
        // runner A (its process was cancelled as an orphan) must not release it.
        Assert.Null(await store.ReleaseAsync(jobId, retried.Attempt, runnerA, attemptUsed: true, CancellationToken.None));
        Assert.NotNull(await store.ReleaseAsync(jobId, retried.Attempt, runnerB, attemptUsed: true, CancellationToken.None));
        var third = await store.ClaimAsync(jobId, Guid.NewGuid(), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(2, third!.Attempt);
    }

    [Fact]
    public async Task ALostQueuePointer_IsFoundAgain()
    {
        await using var factory = new OrchestratorFactory(infra, "orchestrator-41");
        using var client = await factory.CreateReadyClientAsync();
        var labels = $"lost-{Guid.NewGuid():N}"[..12];
        var jobId = WebhookClient.NewJobId();
        var payload = WebhookClient.Job("queued", jobId, $$"""["self-hosted","{{labels}}"]""");
        var delivery = Guid.NewGuid().ToString();

        // A node that is still migrating answers 503 (tested here too): GitHub's delivery would be redelivered.
        await Eventually.HoldsAsync(
            "the node to accept the job",
            async () =>
            {
                var response = await WebhookClient.SendAsync(client, infra.WebhookSecret, "workflow_job", payload, delivery);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{response.StatusCode}");
                return (response.StatusCode == HttpStatusCode.OK, response.StatusCode.ToString());
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(200));

        // What a Redis failover can do: the queue and its member set are gone.
        var key = $"{labels},self-hosted";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection.CreateConfiguration(RedisOptions(), "lost-pointer-test"));
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync([RedisJobQueue.QueueKey("runnerhub:", key), RedisJobQueue.MembersKey("runnerhub:", key)]);

        var found = await Eventually.HoldsAsync(
            "the repair pass to push the pointer again",
            async () =>
            {
                var items = await db.ListRangeAsync(RedisJobQueue.QueueKey("runnerhub:", key));
                return (items.Any(i => i == jobId.ToString(CultureInfo.InvariantCulture)), $"queue holds {items.Length} item(s)");
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        Assert.True(found < TimeSpan.FromSeconds(30));
    }

    private RedisOptions RedisOptions() => new() { Sentinels = infra.Sentinels, ServiceName = infra.ServiceName, Password = infra.RedisPassword };

    private ServiceProvider Services(string nodeId)
    {
        var services = new ServiceCollection();
        services.AddSingleton(infra.Configuration(nodeId));
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        Node.NodeServiceCollectionExtensions.AddNode(services);
        services.AddPostgresStorage();
        services.AddSingleton<IDispatchStore, PostgresDispatchStore>();
        return services.BuildServiceProvider();
    }

    /// <summary>A queued job row, straight into PostgreSQL (the schema is migrated by the fixture's earlier nodes).</summary>
    private async Task<long> QueueJobAsync(string labelsJson)
    {
        await using var factory = new OrchestratorFactory(infra, "orchestrator-42");
        using var client = await factory.CreateReadyClientAsync();
        var jobId = WebhookClient.NewJobId();
        var response = await WebhookClient.SendAsync(client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, labelsJson));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return jobId;
    }

    private async Task<string?> StateAsync(long jobId)
    {
        PostgresConnectionString.TryNormalize(infra.PostgresUri, null, out var cs, out _);
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT state FROM jobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        return (string?)await command.ExecuteScalarAsync();
    }
}
