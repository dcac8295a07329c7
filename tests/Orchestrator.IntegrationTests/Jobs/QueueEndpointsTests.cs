using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.IntegrationTests.Jobs;

/// <summary>
/// <c>GET /api/queues</c> against real PostgreSQL and Redis. The database is shared with the other
/// tests, so every label set here carries a label of its own (<see cref="_tag"/>), and the jobs
/// and Redis keys it made are deleted afterwards.
/// </summary>
[Collection(InfrastructureGroup.Name)]
public sealed class QueueEndpointsTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private readonly string _tag = $"q-{Guid.NewGuid():N}"[..14];
    private readonly List<long> _jobs = [];
    private ReadyNode _node = null!;

    private HttpClient Client => _node.Client;

    public async Task InitializeAsync() => _node = await ReadyNode.StartAsync(infra, "orchestrator-51");

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await using (var connection = await OpenAsync())
        await using (var delete = new NpgsqlCommand("DELETE FROM deliveries WHERE job_id = ANY(@ids); DELETE FROM jobs WHERE job_id = ANY(@ids)", connection))
        {
            delete.Parameters.AddWithValue("ids", _jobs.ToArray());
            await delete.ExecuteNonQueryAsync();
        }

        await using var redis = await ConnectRedisAsync();
        var db = redis.GetDatabase();
        var prefix = new RedisOptions().KeyPrefix;
        foreach (var key in await db.SetMembersAsync(RedisJobQueue.RegistryKey(prefix)))
        {
            var labelKey = key.ToString();
            if (labelKey.Split(',').Contains(_tag, StringComparer.Ordinal))
            {
                await db.KeyDeleteAsync([RedisJobQueue.QueueKey(prefix, labelKey), RedisJobQueue.MembersKey(prefix, labelKey)]);
                await db.SetRemoveAsync(RedisJobQueue.RegistryKey(prefix), key);
            }
        }
    }

    [Fact]
    public async Task Queues_CountsEachActiveLabelSet_AndSaysWhichNoRunnerCanServe()
    {
        // A runner (registered, never connected, so nothing is dispatched to it) serves
        // [linux, self-hosted, tag]. A removed runner had arm64: removed runners serve nothing.
        var linux = await RegisterRunnerAsync(["self-hosted", "linux", "x64", _tag]);
        var arm = await RegisterRunnerAsync(["self-hosted", "arm64", _tag]);
        Assert.Equal(HttpStatusCode.NoContent, (await OperatorAsync(HttpMethod.Delete, $"/api/runners/{arm}")).StatusCode);

        var servable = $"""["self-hosted","Linux","{_tag}"]""";
        var unservable = $"""["self-hosted","ARM64","{_tag}"]""";
        var finished = $"""["self-hosted","finished","{_tag}"]""";
        var queuedFirst = await SendAsync("queued", servable);
        await SendAsync("queued", servable);
        var claimed = await SendAsync("queued", servable);
        await SendAsync("in_progress", servable, runner: "runner-x");
        await SendAsync("completed", servable, runner: "runner-x", conclusion: "success");
        await SendAsync("queued", unservable);
        await SendAsync("completed", finished, runner: "runner-x", conclusion: "success");
        await ClaimAsDispatcherWouldAsync(claimed, Key("self-hosted", "linux", _tag));

        var response = await OperatorAsync(HttpMethod.Get, "/api/queues");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mine = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray()
            .Where(q => q!["labels"]!.AsArray().Any(l => (string?)l == _tag))
            .ToDictionary(q => string.Join(',', q!["labels"]!.AsArray().Select(l => (string?)l)), q => q!);
        Assert.Equal([Key("self-hosted", "arm64", _tag), Key("self-hosted", "linux", _tag)], mine.Keys.Order(StringComparer.Ordinal));

        var served = mine[Key("self-hosted", "linux", _tag)];
        Assert.Equal((2L, 1L, 1L), ((long)served["queued"]!, (long)served["dispatched"]!, (long)served["inProgress"]!));
        Assert.True((bool)served["servable"]!, $"{linux} has every label: {served}");
        Assert.Equal(await AcceptedAtAsync(queuedFirst), (DateTimeOffset)served["oldestQueuedAt"]!);
        Assert.Equal(2L, (long?)served["redisLength"]);
        Assert.Equal(await RedisLengthAsync(Key("self-hosted", "linux", _tag)), (long?)served["redisLength"]);

        var stuck = mine[Key("self-hosted", "arm64", _tag)];
        Assert.Equal((1L, 0L, 0L), ((long)stuck["queued"]!, (long)stuck["dispatched"]!, (long)stuck["inProgress"]!));
        Assert.False((bool)stuck["servable"]!, $"only the removed runner {arm} had arm64: {stuck}");
        Assert.Equal(1L, (long?)stuck["redisLength"]);
    }

    [Fact]
    public async Task Queues_Is401_WithoutTheOperatorToken()
    {
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/queues");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-operator-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync("/api/queues")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Queues_AnswersFromPostgres_WithUnknownRedisLengths_WhenRedisIsUnreachable()
    {
        // Sentinels on a closed port: this node never reaches Redis; readiness does not need it.
        await using var cutOff = new OrchestratorFactory(infra, "orchestrator-52", new Dictionary<string, string?>
        {
            ["Redis:Sentinels"] = $"127.0.0.1:{PortOffsets.FindFree() + 26379}",
        });
        using var client = await cutOff.CreateReadyClientAsync();
        var jobId = await SendAsync("queued", $"""["self-hosted","{_tag}"]""", client);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/queues");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var queue = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray()
            .Single(q => q!["labels"]!.AsArray().Any(l => (string?)l == _tag))!;
        Assert.Equal(1L, (long)queue["queued"]!);
        Assert.Null(queue["redisLength"]);
        Assert.True(queue.AsObject().ContainsKey("redisLength"), "redisLength is present, as null");
        Assert.Equal(await AcceptedAtAsync(jobId), (DateTimeOffset)queue["oldestQueuedAt"]!);
    }

    /// <summary>The normalised label set's key, as the queues and <c>jobs.label_key</c> have it.</summary>
    private static string Key(params string[] labels) => LabelSet.From(labels).ToString();

    /// <summary>Sends a signed workflow_job webhook for a new job; returns its id.</summary>
    private async Task<long> SendAsync(string action, string labelsJson, HttpClient? client = null, string? runner = null, string? conclusion = null)
    {
        var jobId = WebhookClient.NewJobId();
        _jobs.Add(jobId);
        var response = await WebhookClient.SendAsync(client ?? Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job(action, jobId, labelsJson, runner: runner, conclusion: conclusion));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return jobId;
    }

    /// <summary>
    /// What the dispatcher does to a job it hands to a runner: the pointer leaves the queue, and
    /// PostgreSQL records the claim with a lease (long enough that the lease sweeper leaves it be).
    /// </summary>
    private async Task ClaimAsDispatcherWouldAsync(long jobId, string labelKey)
    {
        await using (var connection = await OpenAsync())
        await using (var claim = new NpgsqlCommand(
            "UPDATE jobs SET state = 'dispatched', attempt = attempt + 1, runner_id = @runner, dispatched_at = now(), lease_until = now() + interval '1 hour' WHERE job_id = @id AND state = 'queued'",
            connection))
        {
            claim.Parameters.AddWithValue("id", jobId);
            claim.Parameters.AddWithValue("runner", Guid.NewGuid());
            Assert.Equal(1, await claim.ExecuteNonQueryAsync());
        }

        await using var redis = await ConnectRedisAsync();
        Assert.Equal(1L, await redis.GetDatabase().ListRemoveAsync(RedisJobQueue.QueueKey(new RedisOptions().KeyPrefix, labelKey), jobId));
    }

    private async Task<DateTimeOffset> AcceptedAtAsync(long jobId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT accepted_at FROM jobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"job {jobId} is not in PostgreSQL");
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private async Task<long> RedisLengthAsync(string labelKey)
    {
        await using var redis = await ConnectRedisAsync();
        return await redis.GetDatabase().ListLengthAsync(RedisJobQueue.QueueKey(new RedisOptions().KeyPrefix, labelKey));
    }

    private async Task<string> RegisterRunnerAsync(string[] labels)
    {
        var name = $"runner-{Guid.NewGuid():N}"[..20];
        var token = await OperatorAsync(HttpMethod.Post, "/api/runners/registration-tokens");
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        var registered = await Client.PostAsJsonAsync(
            "/api/runners/register", new RegisterRunnerRequest((string)JsonNode.Parse(await token.Content.ReadAsStringAsync())!["token"]!, name, labels, 1));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        return name;
    }

    private async Task<HttpResponseMessage> OperatorAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        return await Client.SendAsync(request);
    }

    private Task<ConnectionMultiplexer> ConnectRedisAsync() =>
        ConnectionMultiplexer.ConnectAsync(RedisConnection.CreateConfiguration(
            new RedisOptions { Sentinels = infra.Sentinels, ServiceName = infra.ServiceName, Password = infra.RedisPassword }, "queue-test"));

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(
            PostgresConnectionString.TryNormalize(infra.PostgresUri, null, out var cs, out var error) ? cs : throw new InvalidOperationException(error));
        await connection.OpenAsync();
        return connection;
    }
}
