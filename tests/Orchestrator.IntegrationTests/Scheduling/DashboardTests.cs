using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RunnerHub.Orchestrator.Scheduling;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Scheduling;

/// <summary>Hangfire's dashboard at /hangfire is for operators only.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class DashboardTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private readonly SchedulingNodes _cluster = new(infra);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.StopAllAsync();

    [Fact]
    public async Task Dashboard_Is401WithoutTheOperatorToken_And200WithIt_AsBearerOrBasicPassword()
    {
        var node = (await _cluster.StartAsync(1))[0];
        await SchedulingNodes.StorageAsync(node);

        using (var anonymous = await node.Client.GetAsync("/hangfire"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            // What makes a browser ask for the token.
            Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("RunnerHub operator", StringComparison.Ordinal));
        }

        using (var wrong = await GetAsync(node, "/hangfire", new AuthenticationHeaderValue("Bearer", "not-the-operator-token")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var wrongBasic = await GetAsync(node, "/hangfire", Basic("admin", "not-the-operator-token")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongBasic.StatusCode);
        }

        using (var bearer = await GetAsync(node, "/hangfire", new AuthenticationHeaderValue("Bearer", infra.OperatorToken)))
        {
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
            Assert.Contains("RunnerHub Hangfire", await bearer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var basic = await GetAsync(node, "/hangfire/servers", Basic("any-user", infra.OperatorToken)))
        {
            Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
            // The servers page lists this node's server for the default queue.
            Assert.Contains($"{SchedulingNodes.NodeId(node)}/default", await basic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheOperatorApi_DoesNotTakeBasicCredentials()
    {
        var node = (await _cluster.StartAsync(1))[0];

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leadership/step-down");
        request.Headers.Authorization = Basic("operator", infra.OperatorToken);
        using var response = await node.Client.SendAsync(request);

        // A browser sends cached Basic credentials by itself; the API must not act on them.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task WhilePostgresIsUnreachable_TheNodeStartsAndLives_AndTheDashboardIs503()
    {
        // Hangfire.PostgreSql installs its schema in its constructor and, by default, retries a dead
        // database there for about 30 s: none of that may hold up the node's start.
        var closedPort = PortOffsets.FindFree() + 5432;
        await using var factory = new OrchestratorFactory(infra, $"hf-{Guid.NewGuid():N}"[..15], new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = $"postgres://runnerhub@127.0.0.1:{closedPort}/runnerhub",
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the node took {clock.Elapsed} to start and answer");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        using var dashboard = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, dashboard.StatusCode);
        Assert.Null(factory.Services.GetRequiredService<SchedulingStorage>().Current);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> GetAsync(ReadyNode node, string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await node.Client.SendAsync(request);
    }
}
