using Microsoft.Extensions.DependencyInjection.Extensions;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Monitoring;

internal static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// The leader's topology watch, the failover timeline and the cluster metrics; on every node,
    /// the job, queue and runner metrics.
    /// </summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.TryAddSingleton<FailoverTimeline>();
        services.TryAddSingleton<ClusterMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderTask, TopologyWatchTask>());
        services.TryAddSingleton<JobMetrics>();
        services.TryAddSingleton<QueueMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueMetrics>());
        services.TryAddSingleton<RunnerMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<RunnerMetrics>());
        return services;
    }
}
