using Microsoft.Extensions.Diagnostics.HealthChecks;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Health;

/// <summary>Ready only after this node has brought the schema up to date.</summary>
internal sealed class SchemaHealthCheck(SchemaState schema) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(schema.IsReady
            ? HealthCheckResult.Healthy("schema up to date", new Dictionary<string, object> { ["appliedByThisNode"] = schema.Applied })
            : HealthCheckResult.Unhealthy("schema migration has not finished"));
}
