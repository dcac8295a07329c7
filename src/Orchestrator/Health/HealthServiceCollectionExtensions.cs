using Microsoft.Extensions.DependencyInjection.Extensions;
using RunnerHub.ServiceDefaults;

namespace RunnerHub.Orchestrator.Health;

internal static class HealthServiceCollectionExtensions
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddOrchestratorHealth(this IServiceCollection services)
    {
        services.TryAddSingleton<DatabaseReachability>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("postgres", tags: [ServiceDefaultsExtensions.ReadyTag], timeout: CheckTimeout)
            .AddCheck<SchemaHealthCheck>("schema", tags: [ServiceDefaultsExtensions.ReadyTag])
            .AddCheck<RedisHealthCheck>("redis", timeout: CheckTimeout);
        return services;
    }
}
