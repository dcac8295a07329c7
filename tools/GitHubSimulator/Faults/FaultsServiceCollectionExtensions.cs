using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.GitHubSimulator.Faults;

internal static class FaultsServiceCollectionExtensions
{
    public static IServiceCollection AddFaults(this IServiceCollection services)
    {
        services.TryAddSingleton<FaultState>();
        return services;
    }
}
