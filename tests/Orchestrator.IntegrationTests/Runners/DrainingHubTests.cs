using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RunnerHub.Contracts.Hub;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.Orchestrator.IntegrationTests.Runners;

/// <summary>
/// A node that drains refuses runner connections with a 503, which HAProxy retries on another
/// node; accepting them kept its shutdown waiting for the host's whole timeout.
/// </summary>
[Collection(InfrastructureGroup.Name)]
public sealed class DrainingHubTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task ADrainingNode_AnswersRunnerConnections503_OtherRequestsAsBefore()
    {
        await using var node = await ReadyNode.StartAsync(infra, "draining-hub-node");
        var negotiate = $"{RunnerHubRoutes.Hub}/negotiate?negotiateVersion=1";

        using (var before = await node.Client.PostAsync(negotiate, content: null))
        {
            // Not draining: the hub is there and asks for a runner's credential.
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }

        node.Factory.Services.GetRequiredService<DrainState>().Begin();

        using var during = await node.Client.PostAsync(negotiate, content: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("1", during.Headers.RetryAfter?.ToString());
        Assert.Contains("draining", await during.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var live = await node.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
