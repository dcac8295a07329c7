using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.Orchestrator.Leadership;

internal static class LeadershipServiceCollectionExtensions
{
    public static IServiceCollection AddLeadership(this IServiceCollection services)
    {
        services.TryAddSingleton<ILeadershipState, FollowerLeadershipState>();
        return services;
    }
}
