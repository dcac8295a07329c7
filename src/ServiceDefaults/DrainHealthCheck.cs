using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RunnerHub.ServiceDefaults;

/// <summary>Unhealthy once the process is draining, so the load balancer stops sending work.</summary>
internal sealed class DrainHealthCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining
            ? HealthCheckResult.Unhealthy("draining: this process is shutting down")
            : HealthCheckResult.Healthy("accepting work"));
}
