using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.Leadership;

internal static class LeadershipServiceCollectionExtensions
{
    /// <summary>The lease election, the fence, the published state and its metrics.</summary>
    public static IServiceCollection AddLeadership(this IServiceCollection services)
    {
        services.AddOptions<LeadershipOptions>().BindConfiguration(LeadershipOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeadershipOptions>, LeadershipOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<LeadershipState>();
        services.TryAddSingleton<ILeadershipState>(sp => sp.GetRequiredService<LeadershipState>());
        services.TryAddSingleton<LeadershipMetrics>();
        services.TryAddSingleton<LeaderFence>();
        services.TryAddSingleton<Monitoring.FailoverTimeline>();
        services.TryAddSingleton<LeaderElector>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElector>());
        services.AddHostedService<LeaderTaskRunner>();
        return services;
    }
}
