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
    public async Task AJitRunnerGivenAnotherJob_HandsItsJobThatJobsWaitingRunner()
    {
        var labels = """["self-hosted","swap"]""";
        var (a, b) = (await QueueJobAsync(labels), await QueueJobAsync(labels));
        await using var node = Services("swap-node");
        var store = node.GetRequiredService<IDispatchStore>();
        var (runnerX, runnerY) = (Guid.NewGuid(), Guid.NewGuid());
        var claimA = await store.ClaimAsync(a, runnerX, TimeSpan.FromSeconds(30), CancellationToken.None);
        var claimB = await store.ClaimAsync(b, runnerY, TimeSpan.FromSeconds(30), CancellationToken.None);

        // GitHub runs B on A's runner; B's own runner still waits, so A takes it over.
        await SetAsync(b, "state = 'in_progress', runner_name = @name", claimA!.JitRunnerName);
        Assert.Null(await store.RequeueJobOfRunnerAsync(claimA.JitRunnerName, b, CancellationToken.None));

        var rowA = await RowAsync(a);
        Assert.Equal(("dispatched", claimB!.JitRunnerName, runnerY, 1), (rowA.State, rowA.JitRunnerName, rowA.RunnerId, rowA.Rebounds));
        Assert.Equal(claimA.JitRunnerName, (await RowAsync(b)).JitRunnerName);
    }

    [Theory]
    [InlineData("took another job")]
    [InlineData("exited")]
    [InlineData("lease expired")]
    public async Task NoSwapOntoARunnerThatIsNoLongerWaiting_TheJobIsQueuedAgain(string why)
    {
        var labels = """["self-hosted","no-swap"]""";
        var (a, b, c) = (await QueueJobAsync(labels), await QueueJobAsync(labels), await QueueJobAsync(labels));
        await using var node = Services("no-swap-node");
        var store = node.GetRequiredService<IDispatchStore>();
        var (runnerX, runnerY) = (Guid.NewGuid(), Guid.NewGuid());
        var claimA = await store.ClaimAsync(a, runnerX, TimeSpan.FromSeconds(30), CancellationToken.None);
        var claimB = await store.ClaimAsync(b, runnerY, TimeSpan.FromSeconds(30), CancellationToken.None);
        await SetAsync(b, "state = 'in_progress', runner_name = @name", claimA!.JitRunnerName);
        switch (why)
        {
            case "took another job":
                // Its in_progress for C arrived before B's rebound ran.
                await SetAsync(c, "state = 'in_progress', runner_name = @name", claimB!.JitRunnerName);
                break;
            case "exited":
                Assert.Null(await store.RunnerExitedAsync(b, claimB!.Attempt, runnerY, CancellationToken.None));
                break;
            default:
                await SetAsync(b, "lease_until = now() - interval '1 second'", "unused");
                break;
        }

        var requeued = await store.RequeueJobOfRunnerAsync(claimA.JitRunnerName, b, CancellationToken.None);

        Assert.Equal(a, requeued?.JobId);
        var rowA = await RowAsync(a);
        Assert.Equal(("queued", (Guid?)null, 1, 1), (rowA.State, rowA.RunnerId, rowA.Attempt, rowA.Rebounds));
    }

    [Fact]
    public async Task Rebounds_DoNotCountTowardDead()
    {
        var jobId = await QueueJobAsync("""["self-hosted","rebounds"]""");
        var busy = await QueueJobAsync("""["self-hosted","rebounds"]""");
        await using var node = Services("rebound-node");
        var store = node.GetRequiredService<IDispatchStore>();

        // Three dispatches, each runner given to another job by GitHub: busy, not broken.
        for (var i = 1; i <= 3; i++)
        {
            var claim = await store.ClaimAsync(jobId, Guid.NewGuid(), TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.Equal(i, claim!.Attempt);
            Assert.Equal(jobId, (await store.RequeueJobOfRunnerAsync(claim.JitRunnerName, busy, CancellationToken.None))?.JobId);
        }

        // With MaxAttempts 2, the job dies on its second failed attempt, not on its first lease expiry.
        string? state = null;
        for (var failed = 1; failed <= 2; failed++)
        {
            await store.ClaimAsync(jobId, Guid.NewGuid(), TimeSpan.FromMilliseconds(1), CancellationToken.None);
            await Task.Delay(20);
            await store.ExpireLeasesAsync(2, CancellationToken.None);
            state = await StateAsync(jobId);
            Assert.Equal(failed == 1 ? "queued" : "dead", state);
        }

        var row = await RowAsync(jobId);
        Assert.Equal((5, 3), (row.Attempt, row.Rebounds));
        Assert.Equal("no runner confirmed the job after 2 failed dispatch attempt(s)", row.DeadReason);
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

    private async Task<NpgsqlConnection> ConnectAsync()
    {
        PostgresConnectionString.TryNormalize(infra.PostgresUri, null, out var cs, out _);
        var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>What GitHub's webhooks or time would do to a job row, set directly (<c>@name</c> is <paramref name="name"/>).</summary>
    private async Task SetAsync(long jobId, string set, string name)
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand($"UPDATE jobs SET {set} WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("name", name);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<JobRow> RowAsync(long jobId)
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand("SELECT state, jit_runner_name, runner_id, attempt, rebounds, dead_reason FROM jobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"job {jobId} not found");
        return new JobRow(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetGuid(2),
            reader.GetInt32(3),
            reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    private sealed record JobRow(string State, string? JitRunnerName, Guid? RunnerId, int Attempt, int Rebounds, string? DeadReason);

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
