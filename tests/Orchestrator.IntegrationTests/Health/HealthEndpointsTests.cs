using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunnerHub.ServiceDefaults;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Health;

[Collection(InfrastructureGroup.Name)]
public sealed class HealthEndpointsTests(InfrastructureFixture infra)
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ready_Is200_OnceTheSchemaIsMigrated_AndEveryPageDescribesTheTopology()
    {
        await using var factory = new OrchestratorFactory(infra, "orchestrator-7");
        using var client = factory.CreateClient();

        await Eventually.HoldsAsync("/health/ready to answer 200", () => Answers(client, "/health/ready", HttpStatusCode.OK), StartDeadline);
        await Eventually.HoldsAsync("/health to answer 200 (Redis connected)", () => Answers(client, "/health", HttpStatusCode.OK), StartDeadline);

        var redis = await Json(client, "/health/redis");
        Assert.Equal(await infra.RedisMasterAsync(), (string?)redis["master"]);
        Assert.True((bool?)redis["sentinelsAgree"]);
        Assert.Equal(3, redis["sentinels"]!.AsArray().Count);
        Assert.Single(redis["replicas"]!.AsArray());

        var database = await Json(client, "/health/database");
        Assert.False((bool?)database["primary"]!["inRecovery"]);
        Assert.Equal($"127.0.0.1:{await infra.PostgresPrimaryPortAsync()}", (string?)database["primary"]!["address"]);
        Assert.True((bool?)database["standby"]!["inRecovery"]);
        var replica = Assert.Single(database["replicas"]!.AsArray())!;
        Assert.Equal("streaming", (string?)replica["state"]);
        Assert.NotNull((long?)replica["lagBytes"]);

        // The only node in the election leads, with a token PostgreSQL issued.
        JsonNode leadership = null!;
        await Eventually.HoldsAsync(
            "the only node to lead",
            async () => { leadership = await Json(client, "/health/leadership"); return ((bool?)leadership["isLeader"] == true, leadership.ToJsonString()); },
            StartDeadline);
        Assert.Equal("orchestrator-7", (string?)leadership["nodeId"]);
        Assert.Equal("orchestrator-7", (string?)leadership["leaderId"]);
        Assert.True((long?)leadership["fencingToken"] > 0);
        Assert.NotNull((string?)leadership["leaseExpiresAt"]);

        var health = await Json(client, "/health");
        Assert.Equal(["draining", "postgres", "redis", "schema", "self"], health["checks"]!.AsObject().Select(kv => kv.Key).Order());
    }

    [Fact]
    public async Task Ready_Turns503_WhenTheNodeDrains_WhileLiveStays200()
    {
        await using var factory = new OrchestratorFactory(infra, "orchestrator-8");
        using var client = factory.CreateClient();
        await Eventually.HoldsAsync("/health/ready to answer 200", () => Answers(client, "/health/ready", HttpStatusCode.OK), StartDeadline);

        factory.Services.GetRequiredService<DrainState>().Begin();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Ready_Is503Quickly_AndLiveStays200_WhenPostgresIsUnreachable()
    {
        // A port nothing listens on: the node must say "not ready", not hang or crash.
        var closedPort = PortOffsets.FindFree() + 5432;
        await using var factory = new OrchestratorFactory(infra, "orchestrator-9", new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = $"postgres://runnerhub@127.0.0.1:{closedPort}/runnerhub",
        });
        using var client = factory.CreateClient();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ready = await client.GetAsync("/health/ready");
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"/health/ready took {elapsed}");
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", (string?)body["checks"]!["postgres"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/database")).StatusCode);
    }

    private static async Task<(bool, string)> Answers(HttpClient client, string path, HttpStatusCode expected)
    {
        var response = await client.GetAsync(path);
        return (response.StatusCode == expected, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonNode> Json(HttpClient client, string path) =>
        JsonNode.Parse(await client.GetStringAsync(path)) ?? throw new InvalidOperationException($"{path} returned no JSON");
}
