using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests;

/// <summary>An orchestrator hosted in-process, configured the way the stack script configures one.</summary>
public sealed class OrchestratorFactory(InfrastructureFixture infra, string nodeId, IDictionary<string, string?>? overrides = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseConfiguration(infra.Configuration(nodeId, overrides));
    }
}
