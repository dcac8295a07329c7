using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.IntegrationTests.Webhooks;

[Collection(InfrastructureGroup.Name)]
public sealed class WebhookIntakeTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private ReadyNode _node = null!;

    private HttpClient Client => _node.Client;

    public async Task InitializeAsync() => _node = await ReadyNode.StartAsync(infra, "orchestrator-21");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Queued_IsCommittedAndQueued_BeforeThe2xx()
    {
        var jobId = WebhookClient.NewJobId();

        var response = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, """["Linux","self-hosted","X64"]"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("created", (string?)body["outcome"]);
        Assert.Equal("queued", (string?)body["state"]);
        Assert.Equal(("queued", "linux,self-hosted,x64", 1L), await JobRowAsync(jobId));
        Assert.Contains(Id(jobId), await QueueAsync("linux,self-hosted,x64"));
    }

    [Fact]
    public async Task RepeatedDelivery_GetsTheSameAnswer_AndCreatesNothingMore()
    {
        var jobId = WebhookClient.NewJobId();
        var delivery = Guid.NewGuid().ToString();
        var payload = WebhookClient.Job("queued", jobId, """["self-hosted","dedupe"]""");

        var first = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", payload, delivery);
        var second = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", payload, delivery);

        Assert.Equal(first.StatusCode, second.StatusCode);
        var a = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var b = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal((string?)a["outcome"], (string?)b["outcome"]);
        Assert.True((bool?)b["duplicate"]);
        Assert.Equal(1L, (await JobRowAsync(jobId)).Deliveries);
        Assert.Single(await QueueAsync("dedupe,self-hosted"), id => id == Id(jobId));
    }

    [Fact]
    public async Task SameDeliveryOnTwoNodesAtOnce_CreatesOneJob()
    {
        await using var other = new OrchestratorFactory(infra, "orchestrator-22");
        using var otherClient = await other.CreateReadyClientAsync();
        var jobId = WebhookClient.NewJobId();
        var delivery = Guid.NewGuid().ToString();
        var payload = WebhookClient.Job("queued", jobId, """["self-hosted","race"]""");

        var answers = await Task.WhenAll(
            WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", payload, delivery),
            WebhookClient.SendAsync(otherClient, infra.WebhookSecret, "workflow_job", payload, delivery));

        Assert.All(answers, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1L, (await JobRowAsync(jobId)).Deliveries);
        Assert.Single(await QueueAsync("race,self-hosted"), id => id == Id(jobId));
    }

    [Fact]
    public async Task EventsOutOfOrder_EndAsInOrder_AndAFinishedJobIsNeverQueued()
    {
        var jobId = WebhookClient.NewJobId();
        const string labels = """["self-hosted","out-of-order"]""";

        foreach (var (action, runner, conclusion) in new[] { ("completed", "runner-x", "success"), ("in_progress", "runner-x", null), ("queued", null, null) })
        {
            var response = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job(action, jobId, labels, runner: runner, conclusion: conclusion));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("completed", (await JobRowAsync(jobId)).State);
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT conclusion, runner_name FROM jobs WHERE job_id = @id", connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal("success", reader.GetString(0));
        Assert.Equal("runner-x", reader.GetString(1));
        Assert.DoesNotContain(Id(jobId), await QueueAsync("out-of-order,self-hosted"));
    }

    [Fact]
    public async Task BadInput_Gets4xxWithAReason_AndChangesNothing()
    {
        var jobId = WebhookClient.NewJobId();
        var good = WebhookClient.Job("queued", jobId);

        var unsigned = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", good, signature: "");
        var forged = await WebhookClient.SendAsync(Client, "a-different-secret-entirely", "workflow_job", good);
        var broken = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", Encoding.UTF8.GetBytes("{\"action\":\"queued\", oops"));
        var missing = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", Encoding.UTF8.GetBytes("""{"action":"queued","workflow_job":{"id":1}}"""));
        var oversized = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "workflow_job", new byte[(25 * 1024 * 1024) + 1]);

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("workflow_job.run_id", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal(0L, (await JobRowAsync(jobId)).Deliveries);
    }

    [Fact]
    public async Task PingIs200_OtherEventsAre202()
    {
        var ping = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "ping", Encoding.UTF8.GetBytes("""{"zen":"Design for failure."}"""));
        var push = await WebhookClient.SendAsync(Client, infra.WebhookSecret, "push", Encoding.UTF8.GetBytes("{}"));

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
    }

    [Fact]
    public async Task RepositoriesOutsideTheAllowList_Are202AndIgnored()
    {
        await using var strict = new OrchestratorFactory(infra, "orchestrator-23", new Dictionary<string, string?> { ["Webhooks:AllowedRepositories"] = "someone-else" });
        using var client = await strict.CreateReadyClientAsync();
        var jobId = WebhookClient.NewJobId();

        var response = await WebhookClient.SendAsync(client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("ignored", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["outcome"]);
        Assert.Equal(0L, (await JobRowAsync(jobId)).Deliveries);
    }

    [Fact]
    public async Task PostgresUnreachable_Answers503Quickly_NotA500OrAHang()
    {
        var closedPort = PortOffsets.FindFree() + 5432;
        await using var cutOff = new OrchestratorFactory(infra, "orchestrator-24", new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = $"postgres://runnerhub@127.0.0.1:{closedPort}/runnerhub",
        });
        using var client = cutOff.CreateClient();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await WebhookClient.SendAsync(client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", WebhookClient.NewJobId()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    private static string Id(long jobId) => jobId.ToString(CultureInfo.InvariantCulture);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(Normalized(infra.PostgresUri));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The job's state and label key, and how many deliveries name it.</summary>
    private async Task<(string? State, string? LabelKey, long Deliveries)> JobRowAsync(long jobId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT state FROM jobs WHERE job_id = @id), (SELECT label_key FROM jobs WHERE job_id = @id), (SELECT count(*) FROM deliveries WHERE job_id = @id)",
            connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }

    private async Task<string[]> QueueAsync(string labelKey)
    {
        var options = new RedisOptions { Sentinels = infra.Sentinels, ServiceName = infra.ServiceName, Password = infra.RedisPassword };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection.CreateConfiguration(options, "webhook-test"));
        var items = await redis.GetDatabase().ListRangeAsync(RedisJobQueue.QueueKey(options.KeyPrefix, labelKey));
        return [.. items.Select(i => i.ToString())];
    }

    private static string Normalized(string uri) =>
        RunnerHub.Orchestrator.Storage.Postgres.PostgresConnectionString.TryNormalize(uri, null, out var cs, out var error) ? cs : throw new InvalidOperationException(error);
}
