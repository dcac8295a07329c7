using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RunnerHub.ProxyRunner.Connection;

/// <summary>Ready while connected to an orchestrator: a runner nobody can reach does no work.</summary>
internal sealed class HubConnectionHealthCheck(RunnerState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Connected
            ? HealthCheckResult.Healthy(
                $"connected to {state.NodeId}{(state.Draining ? ", draining" : "")}",
                new Dictionary<string, object> { ["node"] = state.NodeId ?? "", ["draining"] = state.Draining })
            : HealthCheckResult.Unhealthy("not connected to an orchestrator"));
}
