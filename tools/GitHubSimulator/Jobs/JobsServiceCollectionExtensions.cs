using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunnerHub.GitHubSimulator.Jobs;

internal static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SimulatorIds>();
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<BatchRunner>();
        return services;
    }
}
