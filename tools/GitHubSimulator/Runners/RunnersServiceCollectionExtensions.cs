using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.GitHubSimulator.Runners;

internal static class RunnersServiceCollectionExtensions
{
    public static IServiceCollection AddRunners(this IServiceCollection services)
    {
        services.TryAddSingleton<RunnerRegistry>();
        services.TryAddSingleton<RunnerPlayer>();
        return services;
    }
}
