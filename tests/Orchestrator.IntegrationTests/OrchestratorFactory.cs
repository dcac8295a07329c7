using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests;

/// <summary>An orchestrator hosted in-process, configured the way the stack script configures one.</summary>
public sealed class OrchestratorFactory(InfrastructureFixture infra, string nodeId, IDictionary<string, string?>? overrides = null)
    : WebApplicationFactory<Program>
{
    /// <summary>A client of this node, once <c>/health/ready</c> answers 200 (the schema is migrated).</summary>
    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        await RunnerHub.Testing.Eventually.HoldsAsync(
            $"{nodeId} to be ready",
            async () =>
            {
                using var response = await client.GetAsync("/health/ready");
                return (response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode}");
            },
            TimeSpan.FromSeconds(30));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseConfiguration(infra.Configuration(nodeId, overrides));
    }
}
