using Microsoft.Extensions.DependencyInjection.Extensions;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Monitoring;

internal static class MonitoringServiceCollectionExtensions
{
    /// <summary>The leader's topology watch, the failover timeline and the cluster metrics.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.TryAddSingleton<FailoverTimeline>();
        services.TryAddSingleton<ClusterMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, TopologyWatchTask>());
        return services;
    }
}
