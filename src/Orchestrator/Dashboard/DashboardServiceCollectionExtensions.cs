using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.Orchestrator.Dashboard;

internal static class DashboardServiceCollectionExtensions
{
    /// <summary>The operator's dashboard: its reads, the snapshot push and the audited operator actions.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.TryAddSingleton<DashboardStore>();
        services.TryAddSingleton<DashboardSnapshots>();
        services.TryAddSingleton<DashboardConnections>();
        services.TryAddSingleton<OperatorActions>();
        services.AddHostedService<DashboardBroadcaster>();
        return services;
    }
}
